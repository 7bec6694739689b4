import type { TensorMeta } from '../../engine/backend.js';
import { sdpaBiasKeyConstant, sdpaDims, sdpaScale, type SdpaAttrs, type SdpaDims } from '../../engine/ops/nn/attention-util.js';
import { broadcastStrides, sameShape, sizeOf } from '../../engine/shape.js';
import { addon, codes } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc, i32, reduceLayout } from './util.js';

// Fused attention on native/src/attention.cc: flash-style forward (online softmax over key tiles)
// and a FlashAttention-2 style backward that recomputes P. The masks are read through broadcast
// strides (bias and attnMask over (B, H, Tq, Tk), keyPaddingMask over (B, Tk)).

type F32 = Float32Array;

/** [B, H, Hkv, Tq, Tk, D, Dv, causal] and the broadcast strides [bias ×4, mask ×4, pad ×2]. */
function layout(inputs: readonly NativeArg[], d: SdpaDims, attrs: SdpaAttrs): [Int32Array, Int32Array] {
  const [, , , bias, mask, pad] = inputs;
  const scores = [d.B, d.H, d.Tq, d.Tk];
  const strides = [...broadcastStrides(bias!.shape, scores), ...broadcastStrides(mask!.shape, scores), ...broadcastStrides(pad!.shape, [d.B, d.Tk])];
  return [i32([d.B, d.H, d.Hkv, d.Tq, d.Tk, d.D, d.Dv, attrs.causal ? 1 : 0]), i32(strides)];
}

const data = (inputs: readonly NativeArg[]) => inputs.map((x) => x.data) as [F32, F32, F32, F32, Uint8Array, Uint8Array, F32];

export const scaledDotProductAttention: NativeKernel<SdpaAttrs> = (inputs, attrs, [o]) => {
  const out = alloc(o!) as F32;
  if (out.length === 0) return [out];
  const d = sdpaDims(inputs);
  const [q, k, v, bias, mask, pad] = data(inputs);
  addon().attention(q, k, v, bias, mask, pad, out, ...layout(inputs, d, attrs), sdpaScale(attrs, d.D));
  return [out];
};

/** dBias = dS (B, H, Tq, Tk) summed over the dims the bias broadcasts along. */
function reduceToBias(dS: F32, scores: number[], bias: TensorMeta, out: F32): void {
  const lead = scores.length - bias.shape.length;
  const axes = scores.map((_, k) => k).filter((k) => k < lead || bias.shape[k - lead] === 1);
  const l = reduceLayout(scores, axes);
  addon().reduce(codes().reduceOps['sum']!, dS, out, l.keptShape, l.keptStrides, l.redShape, l.redStrides, 0);
}

export const scaledDotProductAttentionBackward: NativeKernel<SdpaAttrs> = (inputs, attrs, outs) => {
  const [dq, dk, dv, dBias] = outs.map((m) => alloc(m) as F32) as [F32, F32, F32, F32];
  const d = sdpaDims(inputs);
  const scores = [d.B, d.H, d.Tq, d.Tk];
  // Nothing attended (an empty batch, head, query or key set): every gradient is 0.
  if (sizeOf(scores) === 0) return [dq, dk, dv, dBias];
  const [q, k, v, bias, mask, pad, dOut] = data(inputs);
  const biasMeta = outs[3]!;
  const dsSum = sizeOf(biasMeta.shape) === 1;
  const full = sameShape(biasMeta.shape, scores);
  const dS = dsSum ? new Float32Array(d.B * d.Hkv) : full ? dBias : new Float32Array(sizeOf(scores));
  addon().attentionBackward(q, k, v, bias, mask, pad, dOut, dq, dk, dv, dS, ...layout(inputs, d, attrs), sdpaScale(attrs, d.D), dsSum ? 1 : 0);
  if (dsSum) dBias[0] = dS.reduce((s, x) => s + x, 0);
  else if (!full) reduceToBias(dS, scores, biasMeta, dBias);
  if (sdpaBiasKeyConstant(biasMeta.shape)) dBias.forEach((x, i) => (dBias[i] = 0 * x));
  return [dq, dk, dv, dBias];
};
