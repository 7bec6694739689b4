// Paper: Xie et al., "mHC: Manifold-Constrained Hyper-Connections", arXiv:2512.24880, §4.3 (F_pre).
// Spec: shared/specs/mhc-hc-attention.md §2.5: u = einsum('btj,btjc->btc', Hpre, x).
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { bytesOf, requireArity } from '../infer.js';
import { unsqueeze } from '../movement/unsqueeze.js';
import { sum } from '../reduce/sum.js';
import { hcCases, hcStreams, requireExact } from './hc-util.js';
import { hcPreBackward } from './hc_pre_backward.js';

/** h (..., n) and x (..., n, C) -> u (..., C). */
function hcPreInfer(inputs: readonly TensorMeta[]): TensorMeta[] {
  requireArity('hc_pre', inputs, 2);
  const [h, x] = inputs as [TensorMeta, TensorMeta];
  hcStreams('hc_pre', x);
  requireExact('hc_pre', 'h', h, x.shape.slice(0, -1), x, 'one weight per stream');
  return [{ shape: [...x.shape.slice(0, -2), x.shape[x.shape.length - 1]!], dtype: x.dtype }];
}

export const hcPreOp = defineOp({
  name: 'hc_pre',
  family: 'nn',
  doc: 'hyper-connection layer input u_c = Σ_j h_j x_jc over the n streams: h (..., n), x (..., n, C) -> (..., C) (mHC F_pre)',
  infer: hcPreInfer,
  // dh_j = Σ_c dOut_c x_jc, dx_jc = h_j dOut_c: one fused op (hc_pre_backward.ts).
  vjp: ({ inputs: [h, x], dOut }) => hcPreBackward(h!, x!, dOut),
  decompose: ([h, x]) => [sum(mul(unsqueeze(h!, -1), x!), { axes: -2 })],
  check: { cases: hcCases((lead, n, C) => [[...lead, n], [...lead, n, C]]), inputs: [F, F], secondOrder: true },
  // One FMA per stream and channel.
  cost: (inputs, outputs) => ({ flops: 2 * sizeOf(inputs[1]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** u = Σ_j h_j x_j: the layer input of a hyper-connection sublayer; h (..., n), x (..., n, C) -> (..., C). */
export const hcPre = (h: Tensor, x: Tensor): Tensor => apply1(hcPreOp, [h, x], {});
