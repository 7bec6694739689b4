import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const ltOp = defineCompare('lt', 'a < b');

export const lt = (a: TensorLike, b: TensorLike): Tensor => compare(ltOp, a, b);
