// Pure helpers of scaled_dot_product_attention and rope shared by the op definitions and the ref
// kernels: attribute resolution, shape validation and check cases. No ops are imported here, so
// kernels can use it without pulling in the op graph. Not re-exported from the engine's entry.
import fc from 'fast-check';
import { arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase, ValueSource } from '../../check.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { sizeOf, type Shape } from '../../shape.js';
import { requireArity, requireDType, requireFloat } from '../infer.js';

// ---- scaled_dot_product_attention ----

/** Op-level attributes (the masks are tensor inputs of the op). */
export interface SdpaAttrs {
  /**
   * Causal mask, bottom-right aligned: query i sits at absolute position Tk - Tq + i and sees keys
   * j <= Tk - Tq + i (KV-cache decoding). NOTE: torch's is_causal is top-left aligned (j <= i);
   * both agree when Tq == Tk.
   */
  causal?: boolean;
  /** Multiplies q·k; default 1/sqrt(D) (1 when D is 0). */
  scale?: number;
}

export interface SdpaDims {
  B: number;
  H: number;
  Hkv: number;
  Tq: number;
  Tk: number;
  D: number;
  Dv: number;
}

export const SDPA_INPUTS = 'q, k, v, attnBias (float), attnMask (bool), keyPaddingMask (bool)';

export const sdpaScale = (attrs: SdpaAttrs, D: number): number => attrs.scale ?? (D > 0 ? 1 / Math.sqrt(D) : 1);

/**
 * Whether an additive bias of this shape is constant along the keys (a scalar or last dim 1). Such
 * a bias shifts whole softmax rows, which changes nothing, so its gradient Σ_j dS_ij is exactly 0
 * (NaN where a row is NaN). The backward kernels produce it as 0·Σ dS: rounding would otherwise
 * leave ~1e-17 (float64) or ~1e-8 (float32) of noise that no parity budget can tell from a bug.
 */
export const sdpaBiasKeyConstant = (biasShape: Shape): boolean => biasShape.length === 0 || biasShape[biasShape.length - 1] === 1;

/** Whether query i may attend key j under the bottom-right causal rule. */
export const causalAllows = (i: number, j: number, Tq: number, Tk: number): boolean => j <= i + Tk - Tq;

/** `shape` broadcasts to `target` without changing it (NumPy rules, right-aligned). */
function broadcastsTo(shape: Shape, target: Shape): boolean {
  const off = target.length - shape.length;
  return off >= 0 && shape.every((d, k) => d === 1 || d === target[off + k]);
}

function requireRank4(name: string, m: TensorMeta, dims: string): void {
  if (m.shape.length !== 4) throw new ShapeError('scaled_dot_product_attention', `${name} ${fmtShape(m.shape)} must have 4 dimensions ${dims}`);
}

/** Validates q, k, v and returns the attention dimensions. */
function qkvDims(q: TensorMeta, k: TensorMeta, v: TensorMeta): SdpaDims {
  const op = 'scaled_dot_product_attention';
  requireFloat(op, 'q', q);
  for (const [name, m] of [['k', k], ['v', v]] as const) {
    if (m.dtype !== q.dtype) throw new DTypeError(op, `${name} ${fmtShape(m.shape)} has dtype ${m.dtype} but q ${fmtShape(q.shape)} has dtype ${q.dtype}; they must match`);
  }
  requireRank4('q', q, '(B, H, Tq, D)');
  requireRank4('k', k, '(B, Hkv, Tk, D)');
  requireRank4('v', v, '(B, Hkv, Tk, Dv)');
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const [Bk, Hkv, Tk, Dk] = k.shape as [number, number, number, number];
  const qk = `q ${fmtShape(q.shape)} and k ${fmtShape(k.shape)}`;
  if (Bk !== B) throw new ShapeError(op, `${qk}: batch sizes ${B} and ${Bk} differ`);
  if (Dk !== D) throw new ShapeError(op, `${qk}: head dims ${D} and ${Dk} differ`);
  if (Hkv === 0 || H % Hkv !== 0) {
    throw new ShapeError(op, `${qk}: the ${H} query heads must be a positive multiple of the ${Hkv} key/value heads`);
  }
  const [Bv, Hv, Tv, Dv] = v.shape as [number, number, number, number];
  if (Bv !== B || Hv !== Hkv || Tv !== Tk) {
    throw new ShapeError(op, `k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)}: batch, heads and length must match (v is (B, Hkv, Tk, Dv))`);
  }
  return { B, H, Hkv, Tq, Tk, D, Dv };
}

/** Validates the masks against the attention dimensions. */
function maskChecks(q: TensorMeta, bias: TensorMeta, mask: TensorMeta, pad: TensorMeta, d: SdpaDims): void {
  const op = 'scaled_dot_product_attention';
  const scores = [d.B, d.H, d.Tq, d.Tk];
  if (bias.dtype !== q.dtype) {
    throw new DTypeError(op, `attnMask ${fmtShape(bias.shape)} (additive) has dtype ${bias.dtype}; expected bool or ${q.dtype} (the dtype of q)`);
  }
  requireDType(op, 'attnMask', mask, ['bool']);
  requireDType(op, 'keyPaddingMask', pad, ['bool']);
  for (const m of [bias, mask]) {
    if (!broadcastsTo(m.shape, scores)) throw new ShapeError(op, `attnMask ${fmtShape(m.shape)} does not broadcast to the scores (B, H, Tq, Tk) = ${fmtShape(scores)}`);
  }
  if (!broadcastsTo(pad.shape, [d.B, d.Tk])) {
    throw new ShapeError(op, `keyPaddingMask ${fmtShape(pad.shape)} does not broadcast to (B, Tk) = ${fmtShape([d.B, d.Tk])}`);
  }
}

/** Infer: the six inputs are q, k, v, an additive float mask, a bool mask and a bool key padding mask. */
export function sdpaInfer(inputs: readonly TensorMeta[], attrs: SdpaAttrs): TensorMeta[] {
  const op = 'scaled_dot_product_attention';
  if (inputs.length !== 6) throw new ValueError(op, `expects 6 tensor inputs (${SDPA_INPUTS}), got ${inputs.length}`);
  const [q, k, v, bias, mask, pad] = inputs as [TensorMeta, TensorMeta, TensorMeta, TensorMeta, TensorMeta, TensorMeta];
  const d = qkvDims(q, k, v);
  maskChecks(q, bias, mask, pad, d);
  if (attrs.scale !== undefined && !Number.isFinite(attrs.scale)) throw new ValueError(op, `scale ${attrs.scale} must be a finite number`);
  return [{ shape: [d.B, d.H, d.Tq, d.Dv], dtype: q.dtype }];
}

export const sdpaDims = (inputs: readonly TensorMeta[]): SdpaDims => qkvDims(inputs[0]!, inputs[1]!, inputs[2]!);

/** A mask shape for the scores (B, H, Tq, Tk): leading dims dropped and some dims set to 1; () often. */
const arbMaskShape = (scores: readonly number[]): fc.Arbitrary<number[]> =>
  fc.record({ drop: fc.integer({ min: 0, max: 4 }), ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }) })
    .map(({ drop, ones }) => scores.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/**
 * Cases: MHA, GQA and MQA heads (Hkv 1-2, group 1-3), Tq != Tk (also Tq > Tk), zero-length
 * sequences, Dv != D, the causal flag, explicit scales, and every mask kind (absent masks are
 * the placeholders the user function builds: shape ()).
 */
export const sdpaCases: fc.Arbitrary<CheckCase<SdpaAttrs>> = fc
  .record({
    B: fc.integer({ min: 1, max: 2 }), Hkv: fc.integer({ min: 1, max: 2 }), G: fc.integer({ min: 1, max: 3 }),
    Tq: arbDim(3, true), Tk: arbDim(4, true), D: fc.integer({ min: 1, max: 3 }), Dv: arbDim(3, true),
    causal: fc.boolean(), scale: fc.option(fc.constantFrom(0.5, 1.7), { nil: undefined }),
    pad: fc.constantFrom('none', 'batch', 'keys'),
  })
  .chain((c) => {
    const H = c.Hkv * c.G, scores = [c.B, H, c.Tq, c.Tk];
    const pad = c.pad === 'none' ? [] : c.pad === 'batch' ? [c.B, c.Tk] : [c.Tk];
    return fc.tuple(arbMaskShape(scores), arbMaskShape(scores)).map(([bias, mask]) => ({
      shapes: [[c.B, H, c.Tq, c.D], [c.B, c.Hkv, c.Tk, c.D], [c.B, c.Hkv, c.Tk, c.Dv], bias, mask, pad],
      attrs: { causal: c.causal, ...(c.scale === undefined ? {} : { scale: c.scale }) } as SdpaAttrs,
    }));
  });

/** Bool mask values: an absent (0-d) attnMask attends everywhere, an absent padding mask pads nothing. */
export function sdpaMaskValues(c: CheckCase<SdpaAttrs>, src: ValueSource): (number[] | null)[] {
  const draw = (shape: Shape, pTrue: number, scalar: number) =>
    shape.length === 0 ? [scalar] : Array.from({ length: sizeOf(shape) }, () => (src.uniform() < pTrue ? 1 : 0));
  return [null, null, null, null, draw(c.shapes[4]!, 0.8, 1), draw(c.shapes[5]!, 0.25, 0)];
}

// ---- rope ----

export interface RopeAttrs {
  /** θ_i = base^(−2i/d) for pair i of the d rotated dims (default 10000). */
  base?: number;
  /** Position of the first token along T (default 0): token t is at offset + t. */
  offset?: number;
  /** true (default): pairs (x0,x1),(x2,x3)… (RoFormer, DeepSeek); false: pairs (x_i, x_{i+d/2}) (rotate_half, HF LLaMA). */
  interleaved?: boolean;
  /** Rotate only the first rotaryDim dims (even; default D); the rest pass through. */
  rotaryDim?: number;
  /** Rotate by the negated angles (the inverse rotation, used by the VJP). */
  inverse?: boolean;
}

export interface RopePlan {
  T: number;
  D: number;
  d: number;
  base: number;
  offset: number;
  interleaved: boolean;
  sign: number;
}

/** Resolves and validates rope's attributes for x of `shape` (..., T, D); shared by infer and kernel. */
export function ropePlan(shape: Shape, attrs: RopeAttrs): RopePlan {
  const op = 'rope';
  if (shape.length < 2) throw new ShapeError(op, `x ${fmtShape(shape)} must have at least 2 dimensions (..., T, D)`);
  const T = shape[shape.length - 2]!, D = shape[shape.length - 1]!;
  const d = attrs.rotaryDim ?? D;
  if (!Number.isInteger(d) || d < 0 || d > D || d % 2 !== 0) {
    const what = attrs.rotaryDim === undefined ? `the head dim D = ${D} must be even (or pass an even rotaryDim)` : `rotaryDim ${d} must be an even integer in [0, ${D}]`;
    throw new ValueError(op, `x ${fmtShape(shape)}: ${what}`);
  }
  const base = attrs.base ?? 10000, offset = attrs.offset ?? 0;
  if (!(Number.isFinite(base) && base > 0)) throw new ValueError(op, `base ${base} must be a positive finite number`);
  if (!Number.isFinite(offset)) throw new ValueError(op, `offset ${offset} must be a finite number`);
  return { T, D, d, base, offset, interleaved: attrs.interleaved ?? true, sign: attrs.inverse ? -1 : 1 };
}

/** Angle of pair i at token t: (offset + t) · base^(−2i/d), negated for the inverse rotation. */
export const ropeAngle = (p: RopePlan, t: number, i: number): number => p.sign * (p.offset + t) * Math.pow(p.base, (-2 * i) / p.d);

/**
 * The rotation tables of the native and WGSL kernels: cos of every (t, i) angle (T, d/2), then sin
 * (T, d/2), computed in float64 from ropeAngle and rounded once to float32.
 */
export function ropeTable(p: RopePlan): Float32Array {
  const half = p.d / 2, n = p.T * half;
  const tab = new Float32Array(2 * n);
  for (let t = 0; t < p.T; t++) {
    for (let i = 0; i < half; i++) {
      const a = ropeAngle(p, t, i);
      tab[t * half + i] = Math.cos(a);
      tab[n + t * half + i] = Math.sin(a);
    }
  }
  return tab;
}

/** Flat positions (within a row of D) of the two members of pair i. */
export const ropePair = (p: RopePlan, i: number): [number, number] => (p.interleaved ? [2 * i, 2 * i + 1] : [i, i + p.d / 2]);

export function ropeInfer(inputs: readonly TensorMeta[], attrs: RopeAttrs): TensorMeta[] {
  requireArity('rope', inputs, 1);
  const x = inputs[0]!;
  requireFloat('rope', 'x', x);
  ropePlan(x.shape, attrs);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** Cases: x (..., T, D) of rank 2-4 (zero-size leading dims and T), both pairings, partial rotaryDim, offsets, bases, inverse. */
export const ropeCases: fc.Arbitrary<CheckCase<RopeAttrs>> = fc
  .record({
    lead: fc.array(arbDim(3, true), { maxLength: 2 }), T: arbDim(4, true), half: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 2 }),
    partial: fc.boolean(), interleaved: fc.option(fc.boolean(), { nil: undefined }), inverse: fc.boolean(),
    base: fc.option(fc.constantFrom(10000, 100, 2.5), { nil: undefined }), offset: fc.option(fc.integer({ min: -3, max: 40 }), { nil: undefined }),
  })
  .map((c) => {
    const D = 2 * c.half + (c.partial ? c.extra : 0);
    const attrs: RopeAttrs = { inverse: c.inverse };
    if (c.partial) attrs.rotaryDim = 2 * c.half;
    if (c.interleaved !== undefined) attrs.interleaved = c.interleaved;
    if (c.base !== undefined) attrs.base = c.base;
    if (c.offset !== undefined) attrs.offset = c.offset;
    return { shapes: [[...c.lead, c.T, D]], attrs };
  });
