import type { Tensor } from '../../tensor.js';
import type { TensorLike } from '../lift.js';
import { compare, defineCompare } from './util.js';

export const neOp = defineCompare('ne', 'a != b');

export const ne = (a: TensorLike, b: TensorLike): Tensor => compare(neOp, a, b);
