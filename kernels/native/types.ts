// A native kernel descriptor: checks what the op's `infer` cannot (buffer lengths against shapes,
// index values), allocates the outputs in JS and calls the addon with zero-copy views.
import type { TensorMeta } from '../../engine/backend.js';
import type { TypedArray } from '../../engine/dtype.js';
import type { RefArg } from '../ref/types.js';

/** Same argument shape as a ref kernel: the tensor's storage array, shape and dtype. */
export type NativeArg = RefArg;

export type NativeKernel<A> = (inputs: readonly NativeArg[], attrs: A, outs: readonly TensorMeta[]) => TypedArray[];
