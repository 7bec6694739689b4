import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const leOp = defineCompare('le', 'a <= b');

export const le = (a: TensorLike, b: TensorLike): Tensor => compare(leOp, a, b);
