import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const eqOp = defineCompare('eq', 'a == b');

export const eq = (a: TensorLike, b: TensorLike): Tensor => compare(eqOp, a, b);
