import { linearActivation, linearParts, type LinearActivation, type LinearAttrs } from '../../engine/ops/linalg/linear.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// y = act(x Wᵀ + b) + r: the packed sgemm with the epilogue fused into each C tile (native/src/linear.cc).
const ACTIVATION: Record<LinearActivation, number> = { none: 0, relu: 1, gelu: 2, gelu_tanh: 3, silu: 4 }; // gemm.h GemmAct

export const linear: NativeKernel<LinearAttrs> = (inputs, attrs, [o]) => {
  const { x, weight, bias, residual, M, K, N } = linearParts(inputs, attrs);
  const out = alloc(o!) as Float32Array;
  if (out.length === 0) return [out];
  const f32 = (t: typeof x | null) => (t ? (t.data as Float32Array) : null);
  addon().linear(f32(x)!, f32(weight)!, f32(bias), f32(residual), out, M, K, N, ACTIVATION[linearActivation(attrs)]);
  return [out];
};
