// Paper: Dao, "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning"
// (arXiv:2307.08691), §3.1.2 (the backward pass recomputes P from q, k and the row statistics).
// The fused backward of scaled_dot_product_attention: one op with kernels on every backend, whose
// `decompose` is the op-written backward (the oracle) and whose VJP goes through that decomposition.
import fc from 'fast-check';
import { F, type CheckCase, type ValueSource } from '../../check.js';
import { fromArray, full } from '../../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sameShape } from '../../shape.js';
import type { TensorMeta } from '../../backend.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { ne } from '../compare/ne.js';
import { unbroadcast } from '../grad-util.js';
import { bytesOf } from '../infer.js';
import { cast } from '../linalg/cast.js';
import { matmulRaw } from '../linalg/matmul.js';
import { expand } from '../movement/expand.js';
import { reshape } from '../movement/reshape.js';
import { sum } from '../reduce/sum.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import { softmax } from './softmax.js';
import { SDPA_INPUTS, causalAllows, sdpaCases, sdpaDims, sdpaInfer, sdpaMaskValues, sdpaScale, type SdpaAttrs } from './attention-util.js';

/** Query head h reads kv head floor(h / G): (B, Hkv, T, D) -> (B, H, T, D) (torch repeat_interleave on dim 1). */
export function repeatKv(t: Tensor, H: number): Tensor {
  const [B, Hkv, T, D] = t.shape as [number, number, number, number];
  if (Hkv === H) return t;
  const G = H / Hkv;
  return reshape(expand(reshape(t, [B, Hkv, 1, T, D]), [B, Hkv, G, T, D]), [B, H, T, D]); // (B, H, T, D)
}

/** The gradient of repeatKv: the G query heads of each group add up. (B, H, T, D) -> (B, Hkv, T, D). */
function sumKvGroups(g: Tensor, Hkv: number): Tensor {
  const [B, H, T, D] = g.shape as [number, number, number, number];
  if (Hkv === H) return g;
  return sum(reshape(g, [B, Hkv, H / Hkv, T, D]), { axes: 2 }); // (B, Hkv, T, D)
}

/** Which (query, key) pairs are attended: attnMask ∧ ¬keyPaddingMask ∧ causal, broadcast to (B, H, Tq, Tk). */
function keepMask(mask: Tensor, pad: Tensor, shape: readonly number[], causal: boolean): Tensor {
  const [, , Tq, Tk] = shape as [number, number, number, number];
  const no = full([], 0, { dtype: 'bool', backend: mask.backend });
  const padded = pad.rank === 2 ? reshape(pad, [pad.shape[0]!, 1, 1, pad.shape[1]!]) : pad; // (B, 1, 1, Tk)
  let keep = where(padded, no, mask);
  if (causal) {
    const tri = new Uint8Array(Tq * Tk);
    for (let i = 0; i < Tq; i++) for (let j = 0; j < Tk; j++) tri[i * Tk + j] = causalAllows(i, j, Tq, Tk) ? 1 : 0;
    keep = where(fromArray(tri, [Tq, Tk], 'bool', { backend: mask.backend }), keep, no);
  }
  return expand(keep, shape);
}

/**
 * P = softmax over keys of scale·q kᵀ + attnBias, restricted to the kept pairs, with the kv heads
 * already repeated: q (B, H, Tq, D), kE (B, H, Tk, D) -> P (B, H, Tq, Tk).
 * NOTE: a row in which every key is excluded (bool masks, padding, causality or additive -inf) gets
 * P = 0, so its output and gradients are 0: torch's SDPA (_safe_softmax, torch >= 2.5) and
 * flash-attention do the same; plain softmax would give NaN. NaN scores still propagate.
 */
export function attentionProbs(inputs: readonly Tensor[], kE: Tensor, attrs: SdpaAttrs): Tensor {
  const [q, , , bias, mask, pad] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const s = add(mul(matmulRaw(q, kE, { transB: true }), sdpaScale(attrs, q.shape[3]!)), bias); // (B, H, Tq, Tk)
  const logits = where(keepMask(mask, pad, s.shape, attrs.causal ?? false), s, -Infinity);
  const live = ne(logits, -Infinity); // kept and not -inf (NaN counts as live)
  const anyLive = gt(sum(cast(live, s.dtype), { axes: -1, keepdims: true }), 0); // (B, H, Tq, 1)
  // Dead rows are softmaxed as zeros (finite, so no NaN in the backward) and then zeroed.
  return where(live, softmax(where(anyLive, logits, 0), { axis: -1 }), 0);
}

const OP = 'scaled_dot_product_attention_backward';

/** Infer: the forward's six inputs (validated as the forward does) and dOut (B, H, Tq, Dv); outputs dq, dk, dv, dAttnBias. */
function infer(inputs: readonly TensorMeta[], attrs: SdpaAttrs): TensorMeta[] {
  if (inputs.length !== 7) throw new ValueError(OP, `expects 7 tensor inputs (${SDPA_INPUTS}, dOut), got ${inputs.length}`);
  const [o] = sdpaInfer(inputs.slice(0, 6), attrs);
  const dOut = inputs[6]!;
  if (dOut.dtype !== o!.dtype) throw new DTypeError(OP, `dOut ${fmtShape(dOut.shape)} has dtype ${dOut.dtype}; expected ${o!.dtype} (the dtype of q)`);
  if (!sameShape(dOut.shape, o!.shape)) throw new ShapeError(OP, `dOut ${fmtShape(dOut.shape)} must have the output's shape (B, H, Tq, Dv) = ${fmtShape(o!.shape)}`);
  return inputs.slice(0, 4).map((m) => ({ shape: m.shape, dtype: m.dtype }));
}

/** The forward's cases with dOut appended. */
const cases: fc.Arbitrary<CheckCase<SdpaAttrs>> = sdpaCases.map((c) => {
  const [q, , v] = c.shapes as [number[], number[], number[]];
  return { shapes: [...c.shapes, [q[0]!, q[1]!, q[2]!, v[3]!]], attrs: c.attrs };
});

export const scaledDotProductAttentionBackwardOp = defineOp({
  name: OP,
  family: 'nn',
  doc: 'gradients (dq, dk, dv, dAttnBias) of scaled_dot_product_attention for dOut, P recomputed from q and k',
  infer,
  // Second derivatives: the reverse pass over the decomposition below.
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(scaledDotProductAttentionBackwardOp, ctx),
  // O = P V, P = softmax(S), S = scale Q Kᵀ + bias: dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)),
  // dQ = scale dS K, dK = scale dSᵀ Q, dBias = dS; kv-head gradients sum over their query-head group.
  decompose: (inputs, attrs) => {
    const [q, k, v, bias, , , dOut] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const H = q.shape[1]!, Hkv = k.shape[1]!, scale = sdpaScale(attrs, q.shape[3]!);
    const kE = repeatKv(k, H), vE = repeatKv(v, H);
    const P = attentionProbs(inputs.slice(0, 6), kE, attrs); // (B, H, Tq, Tk), recomputed
    const dV = matmulRaw(P, dOut, { transA: true }); // (B, H, Tk, Dv)
    const dP = matmulRaw(dOut, vE, { transB: true }); // (B, H, Tq, Tk)
    const dS = mul(P, sub(dP, sum(mul(dP, P), { axes: -1, keepdims: true })));
    const dQ = mul(matmulRaw(dS, kE), scale); // (B, H, Tq, D)
    const dK = mul(matmulRaw(dS, q, { transA: true }), scale); // (B, H, Tk, D)
    return [dQ, sumKvGroups(dK, Hkv), sumKvGroups(dV, Hkv), unbroadcast(dS, bias.shape)];
  },
  check: {
    cases,
    inputs: [F, F, F, F, { kind: 'bool' }, { kind: 'bool' }, F],
    values: (c: CheckCase<SdpaAttrs>, src: ValueSource) => [...sdpaMaskValues(c, src), null],
    secondOrder: false,
  },
  // Recomputed scores (2·Tq·Tk·D) and four GEMMs (dP, dV: 2·Tq·Tk·Dv each; dQ, dK: 2·Tq·Tk·D each)
  // per head, plus ~10 flops per score for the softmax and dS.
  cost: (inputs, outputs) => {
    const { B, H, Tq, Tk, D, Dv } = sdpaDims(inputs);
    const n = B * H * Tq * Tk;
    return { flops: 2 * n * (3 * D + 2 * Dv) + 10 * n, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});
