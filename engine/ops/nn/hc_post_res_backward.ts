// hc_post_res's fused backward: (hres, x, hpost, y, dOut) -> (dhres, dx, dhpost, dy). Native and
// WGSL kernels make one pass over x and dOut per token; the decomposition (the VJP written with
// ops) is the oracle and carries the second derivatives.
// Spec: shared/specs/mhc-hc-attention.md §2.5 and §2.7 (DeepSeek's fused F_post,res backward).
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { matmulRaw } from '../linalg/matmul.js';
import { squeeze } from '../movement/squeeze.js';
import { unsqueeze } from '../movement/unsqueeze.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import { hcCases, hcStreams, requireExact } from './hc-util.js';
import { hcPre } from './hc_pre.js';

/** hres (..., n, n), x (..., n, C), hpost (..., n), y (..., C), dOut (..., n, C) -> the gradients of the first four. */
function hcPostResBackwardInfer(inputs: readonly TensorMeta[]): TensorMeta[] {
  requireArity('hc_post_res_backward', inputs, 5);
  const [hres, x, hpost, y, dOut] = inputs as [TensorMeta, TensorMeta, TensorMeta, TensorMeta, TensorMeta];
  const { n, C } = hcStreams('hc_post_res_backward', x);
  const lead = x.shape.slice(0, -2);
  requireExact('hc_post_res_backward', 'hres', hres, [...lead, n, n], x, 'an n×n stream mixing matrix per token');
  requireExact('hc_post_res_backward', 'hpost', hpost, [...lead, n], x, 'one output weight per stream');
  requireExact('hc_post_res_backward', 'y', y, [...lead, C], x, 'the sublayer output per token');
  requireExact('hc_post_res_backward', 'dOut', dOut, x.shape, x, "the gradient of hc_post_res's output");
  return [hres, x, hpost, y].map((m) => ({ shape: m.shape, dtype: m.dtype }));
}

export const hcPostResBackwardOp = defineOp({
  name: 'hc_post_res_backward',
  family: 'nn',
  doc: "hc_post_res's VJP fused: dhres_ij = Σ_c dOut_ic x_jc, dx_jc = Σ_i hres_ij dOut_ic, dhpost_i = Σ_c dOut_ic y_c, dy_c = Σ_i hpost_i dOut_ic per token",
  infer: hcPostResBackwardInfer,
  // Second derivatives: the reverse pass over the decomposition below.
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(hcPostResBackwardOp, ctx),
  // dHres = dOut xᵀ, dX = Hresᵀ dOut, dHpost = dOut @ y as a column, dY = hc_pre(hpost, dOut).
  decompose: ([hres, x, hpost, y, dOut]) => [
    matmulRaw(dOut!, x!, { transB: true }),
    matmulRaw(hres!, dOut!, { transA: true }),
    squeeze(matmulRaw(dOut!, unsqueeze(y!, -1)), -1),
    hcPre(hpost!, dOut!),
  ],
  check: {
    cases: hcCases((lead, n, C) => [[...lead, n, n], [...lead, n, C], [...lead, n], [...lead, C], [...lead, n, C]]),
    inputs: [F, F, F, F, F],
    secondOrder: true,
  },
  // Per element of x: n FMAs for dhres and n for dx, one each for dhpost and dy.
  cost: (inputs, outputs) => {
    const n = inputs[2]!.shape[inputs[2]!.shape.length - 1]!;
    return { flops: (4 * n + 4) * sizeOf(inputs[1]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** [dhres, dx, dhpost, dy] of hc_post_res at (hres, x, hpost, y) for the upstream gradient dOut (..., n, C). */
export function hcPostResBackward(hres: Tensor, x: Tensor, hpost: Tensor, y: Tensor, dOut: Tensor): Tensor[] {
  return apply(hcPostResBackwardOp, [hres, x, hpost, y, dOut], {});
}
