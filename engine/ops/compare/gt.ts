import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const gtOp = defineCompare('gt', 'a > b');

export const gt = (a: TensorLike, b: TensorLike): Tensor => compare(gtOp, a, b);
