// The reference backend's kernel signature: plain arrays in, freshly allocated arrays out.
// Kernels compute in float64; float32 outputs are rounded when stored into a Float32Array.
import type { TensorMeta } from '../../engine/backend.js';
import type { DType, TypedArray } from '../../engine/dtype.js';
import type { Shape } from '../../engine/shape.js';

export interface RefArg {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

export type RefKernel<A> = (inputs: readonly RefArg[], attrs: A, outs: readonly TensorMeta[]) => TypedArray[];
