// Paper: Xie et al., "mHC: Manifold-Constrained Hyper-Connections", arXiv:2512.24880, §4.3 (F_post,res).
// Spec: shared/specs/mhc-hc-attention.md §2.5:
//   xNext = einsum('btij,btjc->btic', Hres, x) + Hpost[..., :, None] * y[..., None, :]
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { bytesOf, requireArity } from '../infer.js';
import { matmulRaw } from '../linalg/matmul.js';
import { unsqueeze } from '../movement/unsqueeze.js';
import { hcCases, hcStreams, requireExact } from './hc-util.js';
import { hcPostResBackward } from './hc_post_res_backward.js';

/** hres (..., n, n), x (..., n, C), hpost (..., n), y (..., C) -> (..., n, C). */
function hcPostResInfer(inputs: readonly TensorMeta[]): TensorMeta[] {
  requireArity('hc_post_res', inputs, 4);
  const [hres, x, hpost, y] = inputs as [TensorMeta, TensorMeta, TensorMeta, TensorMeta];
  const { n, C } = hcStreams('hc_post_res', x);
  const lead = x.shape.slice(0, -2);
  requireExact('hc_post_res', 'hres', hres, [...lead, n, n], x, 'an n×n stream mixing matrix per token');
  requireExact('hc_post_res', 'hpost', hpost, [...lead, n], x, 'one output weight per stream');
  requireExact('hc_post_res', 'y', y, [...lead, C], x, 'the sublayer output per token');
  return [{ shape: x.shape, dtype: x.dtype }];
}

export const hcPostResOp = defineOp({
  name: 'hc_post_res',
  family: 'nn',
  doc: 'hyper-connection stream update out_ic = Σ_j hres_ij x_jc + hpost_i y_c: (..., n, n), (..., n, C), (..., n), (..., C) -> (..., n, C) (mHC F_post,res)',
  infer: hcPostResInfer,
  // dHres = dOut xᵀ, dX = Hresᵀ dOut, dHpost_i = Σ_c dOut_ic y_c, dY_c = Σ_i hpost_i dOut_ic: one fused op (hc_post_res_backward.ts).
  vjp: ({ inputs: [hres, x, hpost, y], dOut }) => hcPostResBackward(hres!, x!, hpost!, y!, dOut),
  decompose: ([hres, x, hpost, y]) => [add(matmulRaw(hres!, x!), mul(unsqueeze(hpost!, -1), unsqueeze(y!, -2)))],
  check: { cases: hcCases((lead, n, C) => [[...lead, n, n], [...lead, n, C], [...lead, n], [...lead, C]]), inputs: [F, F, F, F], secondOrder: true },
  // Per output element: an n-long dot product and one FMA.
  cost: (inputs, outputs) => {
    const n = inputs[2]!.shape[inputs[2]!.shape.length - 1]!;
    return { flops: (2 * n + 2) * sizeOf(outputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** out_i = Σ_j hres_ij x_j + hpost_i y: the stream update of a hyper-connection sublayer (residual mix plus the written-back output). */
export const hcPostRes = (hres: Tensor, x: Tensor, hpost: Tensor, y: Tensor): Tensor => apply1(hcPostResOp, [hres, x, hpost, y], {});
