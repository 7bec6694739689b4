// Convolution, pooling and resampling written with other ops: the VJPs (so second derivatives
// work) and the decompositions of conv1d/conv2d/conv_transpose2d, avg_pool2d,
// adaptive_avg_pool2d and upsample. Shapes: x (N,C,H,W), weight (O,C/G,kh,kw), L = oh·ow.
import { fromArray } from '../../creation.js';
import { allocArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { matmulRaw } from '../linalg/matmul.js';
import { pad } from '../movement/pad.js';
import { reshape } from '../movement/reshape.js';
import { sum } from '../reduce/sum.js';
import { conv2d } from './conv2d.js';
import { conv2dWeightGrad } from './conv2d_weight_grad.js';
import { convTranspose2d } from './conv_transpose2d.js';
import { frameSize, type Win } from './conv-util.js';
import { tapsMatrix, type Taps } from './resample-util.js';
import { fold } from './fold.js';
import { unfold } from './unfold.js';

/**
 * torch-order pads (left, right, top, bottom) that put a (…,H,W) tensor into the frame its
 * windows cover: frame row f is input row f - lo; negative pads crop rows no window reaches.
 */
function framePads([wh, ww]: readonly Win[]): number[] {
  return [ww!.lo, frameSize(ww!) - ww!.lo - ww!.size, wh!.lo, frameSize(wh!) - wh!.lo - wh!.size];
}

const padIf = (x: Tensor, pads: readonly number[]): Tensor => (pads.every((p) => p === 0) ? x : pad(x, pads));

const blockAttrs = ([wh, ww]: readonly Win[]) => ({ kernelSize: [wh!.k, ww!.k] as const, stride: [wh!.s, ww!.s] as const, dilation: [wh!.d, ww!.d] as const });

/** im2col over any padding (asymmetric 'same', ceil-mode overhang): (N,C,H,W) → (N, C·kh·kw, L). */
export function im2col(x: Tensor, wins: readonly Win[]): Tensor {
  return unfold(padIf(x, framePads(wins)), blockAttrs(wins));
}

/** col2im, the adjoint of im2col: (N, C·kh·kw, L) → (N,C,H,W), overlapping windows summed. */
export function col2im(cols: Tensor, wins: readonly Win[]): Tensor {
  const full = fold(cols, { outputSize: [frameSize(wins[0]!), frameSize(wins[1]!)], ...blockAttrs(wins) });
  return padIf(full, framePads(wins).map((p) => -p || 0));
}

/** y + b over the channel dim 1 of an (N,O,…) tensor. */
function addBias(y: Tensor, b: Tensor | null | undefined): Tensor {
  return b ? add(y, reshape(b, [b.shape[0]!, ...y.shape.slice(2).map(() => 1)])) : y;
}

/** db = Σ dOut over every dim but the channel dim 1. */
const biasGrad = (dOut: Tensor): Tensor => sum(dOut, { axes: [0, ...dOut.shape.slice(2).map((_, i) => i + 2)] });

/** Grouped operands: weight as (G, Og, Cg·kh·kw); cols() is im2col(x) as (N, G, Cg·kh·kw, L). */
function grouped(x: Tensor, w: Tensor, G: number, wins: readonly Win[]) {
  const [N, C] = x.shape as [number, number];
  const ck = (C / G) * wins[0]!.k * wins[1]!.k, L = wins[0]!.out * wins[1]!.out;
  return { N, ck, L, wG: reshape(w, [G, w.shape[0]! / G, ck]), cols: () => reshape(im2col(x, wins), [N, G, ck, L]) };
}

/** conv2d: y[n,g] = W_g @ cols[n,g] (+ b): (N,O,oh,ow). */
export function convAsOps(x: Tensor, w: Tensor, b: Tensor | null | undefined, G: number, wins: readonly Win[]): Tensor {
  const { N, wG, cols } = grouped(x, w, G, wins);
  return addBias(reshape(matmulRaw(wG, cols()), [N, w.shape[0]!, wins[0]!.out, wins[1]!.out]), b);
}

/** Crops trailing rows/columns so a (…, h, w) tensor ends at (H, W). */
function cropTo(t: Tensor, H: number, W: number): Tensor {
  return padIf(t, [0, W - t.shape[3]!, 0, H - t.shape[2]!].map((p) => p || 0));
}

/**
 * dX of conv2d = conv_transpose2d(dOut, W) with the same stride, dilation, groups and padding lo:
 * its output is frame - 2·lo + outputPadding, so outputPadding = H + 2·lo - frame (the rows no window
 * reaches, < stride); 'same' padding with an odd total (hi = lo + 1) gives -1: one row more, cropped.
 */
export function convInputGrad(dOut: Tensor, w: Tensor, G: number, [wh, ww]: readonly Win[]): Tensor {
  const q = [wh!, ww!].map((v) => v.size + 2 * v.lo - frameSize(v));
  const attrs = {
    stride: [wh!.s, ww!.s] as const, padding: [wh!.lo, ww!.lo] as const, dilation: [wh!.d, ww!.d] as const, groups: G,
    outputPadding: [Math.max(q[0]!, 0), Math.max(q[1]!, 0)] as const,
  };
  return cropTo(convTranspose2d(dOut, w, null, attrs), wh!.size, ww!.size);
}

/** dW of conv2d written with ops (conv2d_weight_grad's decomposition): dW_g = Σ_n dOut_g cols_gᵀ, cols = im2col(x). */
export function convWeightGradAsOps(x: Tensor, dOut: Tensor, wShape: readonly number[], G: number, wins: readonly Win[]): Tensor {
  const N = x.shape[0]!, ck = (x.shape[1]! / G) * wins[0]!.k * wins[1]!.k, L = wins[0]!.out * wins[1]!.out;
  const cols = reshape(im2col(x, wins), [N, G, ck, L]);
  const dOutG = reshape(dOut, [N, G, wShape[0]! / G, L]); // (N, G, Og, L)
  return reshape(sum(matmulRaw(dOutG, cols, { transB: true }), { axes: [0] }), wShape);
}

/** conv2d attrs (explicit, symmetric padding `lo`) of windows whose padding is lo before and at most lo after. */
const convAttrsOf = ([wh, ww]: readonly Win[], G: number) => ({
  stride: [wh!.s, ww!.s] as const, padding: [wh!.lo, ww!.lo] as const, dilation: [wh!.d, ww!.d] as const, groups: G,
});

// conv2d VJP: dX = conv_transpose2d(dOut, W) (its adjoint); dW = conv2d_weight_grad(x, dOut); db = Σ dOut.
// Only the gradients flagged in `need` (x, weight, bias) are built; null for the others.
export function convGrads(x: Tensor, w: Tensor, dOut: Tensor, G: number, wins: readonly Win[], need: readonly boolean[]): (Tensor | null)[] {
  const [wh, ww] = wins;
  // 'same' with an odd total pads one more after than before: conv2d_weight_grad's attrs cannot say
  // that, so x gets the extra zero row/column itself (pad is a kernel too).
  const xs = padIf(x, [0, Math.max(0, ww!.hi - ww!.lo), 0, Math.max(0, wh!.hi - wh!.lo)]);
  return [
    need[0] ? convInputGrad(dOut, w, G, wins) : null,
    need[1] ? conv2dWeightGrad(xs, dOut, { ...convAttrsOf(wins, G), kernelSize: [wh!.k, ww!.k] }) : null,
    need[2] ? biasGrad(dOut) : null,
  ];
}

/** conv_transpose2d operands: weight (C,Og,kh,kw) as (G, Cg, Og·kh·kw), x as (N, G, Cg, H·W). */
function groupedT(x: Tensor, w: Tensor, G: number, wins: readonly Win[]) {
  const [N, C] = x.shape as [number, number];
  const ok = w.shape[1]! * wins[0]!.k * wins[1]!.k, L = wins[0]!.out * wins[1]!.out;
  return { N, ok, L, wG: reshape(w, [G, C / G, ok]), xG: reshape(x, [N, G, C / G, L]) };
}

/** conv_transpose2d = the adjoint of conv2d in x: y = col2im(W_gᵀ x_g) (+ b), (N, O, Hout, Wout). */
export function convTransposeAsOps(x: Tensor, w: Tensor, b: Tensor | null | undefined, G: number, wins: readonly Win[]): Tensor {
  const { N, ok, L, wG, xG } = groupedT(x, w, G, wins);
  return addBias(col2im(reshape(matmulRaw(wG, xG, { transA: true }), [N, G * ok, L]), wins), b);
}

// conv_transpose2d VJP (conv2d forms, as the adjoint of the conv2d dOut -> x): dX = conv2d(dOut, W);
// dW = conv2d_weight_grad(dOut, x); db = Σ dOut. With outputPadding >= stride that conv2d has more
// output rows than x: dX is cropped, and x padded with zeros for dW.
export function convTransposeGrads(x: Tensor, w: Tensor, dOut: Tensor, G: number, wins: readonly Win[], need: readonly boolean[]): (Tensor | null)[] {
  const [wh, ww] = wins;
  const attrs = convAttrsOf(wins, G);
  const dX = () => cropTo(conv2d(dOut, w, null, attrs), wh!.out, ww!.out);
  const dW = () => {
    // Rows of conv2d(dOut) with symmetric padding lo: (size + 2·lo - span) / s + 1 >= x's.
    const rows = [wh!, ww!].map((v) => Math.floor((v.size + 2 * v.lo - (v.d * (v.k - 1) + 1)) / v.s) + 1);
    const xs = padIf(x, [0, rows[1]! - ww!.out, 0, rows[0]! - wh!.out]);
    return conv2dWeightGrad(dOut, xs, { ...attrs, kernelSize: [wh!.k, ww!.k] });
  };
  return [need[0] ? dX() : null, need[1] ? dW() : null, need[2] ? biasGrad(dOut) : null];
}

/** Constant (out, in) matrices of per-dim taps, in `like`'s dtype and backend. */
export function tapMatrices(taps: readonly [Taps, Taps], inSize: readonly number[], like: Tensor): [Tensor, Tensor] {
  const mk = (t: Taps, n: number) => {
    const data = allocArray(like.dtype, t.length * n);
    data.set(tapsMatrix(t, n));
    return fromArray(data, [t.length, n], like.dtype, { backend: like.backend });
  };
  return [mk(taps[0], inSize[0]!), mk(taps[1], inSize[1]!)];
}

/** out = A_h · x · A_wᵀ over the last two dims (a separable linear resampling). */
export const separable = (x: Tensor, ah: Tensor, aw: Tensor): Tensor => matmulRaw(matmulRaw(ah, x), aw, { transB: true });

// Its VJP: dX = A_hᵀ · dOut · A_w.
export const separableGrad = (dOut: Tensor, ah: Tensor, aw: Tensor): Tensor => matmulRaw(matmulRaw(ah, dOut, { transA: true }), aw);

/** Which of the op inputs need a gradient (x, weight, and bias when present). */
export const needGrads = (inputs: readonly Tensor[]): boolean[] => [0, 1, 2].map((i) => !!inputs[i]?.requiresGrad);
