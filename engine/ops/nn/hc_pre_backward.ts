// hc_pre's fused backward: (h, x, dOut) -> (dh, dx). Native and WGSL kernels make one pass over x
// and dOut per token; the decomposition (the VJP written with ops) is the oracle and carries the
// second derivatives.
// Spec: shared/specs/mhc-hc-attention.md §2.5 and §2.7 (DeepSeek's fused F_pre backward).
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { bytesOf, requireArity } from '../infer.js';
import { matmulRaw } from '../linalg/matmul.js';
import { squeeze } from '../movement/squeeze.js';
import { unsqueeze } from '../movement/unsqueeze.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import { hcCases, hcStreams, requireExact } from './hc-util.js';

/** h (..., n), x (..., n, C), dOut (..., C) -> dh (..., n), dx (..., n, C). */
function hcPreBackwardInfer(inputs: readonly TensorMeta[]): TensorMeta[] {
  requireArity('hc_pre_backward', inputs, 3);
  const [h, x, dOut] = inputs as [TensorMeta, TensorMeta, TensorMeta];
  hcStreams('hc_pre_backward', x);
  const lead = x.shape.slice(0, -2);
  requireExact('hc_pre_backward', 'h', h, x.shape.slice(0, -1), x, 'one weight per stream');
  requireExact('hc_pre_backward', 'dOut', dOut, [...lead, x.shape[x.shape.length - 1]!], x, "the gradient of hc_pre's output");
  return [{ shape: h.shape, dtype: h.dtype }, { shape: x.shape, dtype: x.dtype }];
}

export const hcPreBackwardOp = defineOp({
  name: 'hc_pre_backward',
  family: 'nn',
  doc: "hc_pre's VJP fused: dh_j = Σ_c dOut_c x_jc, dx_jc = h_j dOut_c per token: (..., n), (..., n, C), (..., C) -> (..., n), (..., n, C)",
  infer: hcPreBackwardInfer,
  // Second derivatives: the reverse pass over the decomposition below.
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(hcPreBackwardOp, ctx),
  // dh = x @ dOut as a column, dx = the outer product h dOutᵀ.
  decompose: ([h, x, dOut]) => [squeeze(matmulRaw(x!, unsqueeze(dOut!, -1)), -1), mul(unsqueeze(h!, -1), unsqueeze(dOut!, -2))],
  check: { cases: hcCases((lead, n, C) => [[...lead, n], [...lead, n, C], [...lead, C]]), inputs: [F, F, F], secondOrder: true },
  // Per stream and channel: one FMA (dh) and one multiply (dx).
  cost: (inputs, outputs) => ({ flops: 3 * sizeOf(inputs[1]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** [dh, dx] of hc_pre at (h, x) for the upstream gradient dOut (..., C). */
export const hcPreBackward = (h: Tensor, x: Tensor, dOut: Tensor): Tensor[] => apply(hcPreBackwardOp, [h, x, dOut], {});
