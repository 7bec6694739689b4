import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const geOp = defineCompare('ge', 'a >= b');

export const ge = (a: TensorLike, b: TensorLike): Tensor => compare(geOp, a, b);
