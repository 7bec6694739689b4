// Shared pieces of the normalization ops (layer_norm, rms_norm, batch_norm, group_norm,
// instance_norm): where the statistics are taken (a NormPlan), eps resolution, checks of the
// affine parameters and check-case helpers. Pure shape logic, so the ref kernels import it too.
// Not re-exported from the engine's entry.
import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { sameShape, sizeOf, type Shape } from '../../shape.js';
import { bytesOf, requireFloat } from '../infer.js';

/**
 * Where a norm takes its statistics: x is viewed as `view` (same elements, row-major) and each
 * group of elements that share all coordinates outside `axes` gets its own mean and variance.
 * weight/bias have shape `paramShape` and are reshaped to `paramView` to broadcast against x.
 */
export interface NormPlan {
  readonly view: readonly number[];
  readonly axes: readonly number[];
  readonly paramShape: readonly number[];
  readonly paramView: readonly number[];
}

/** layer_norm / rms_norm: statistics over the trailing dims equal to normalizedShape. */
export function trailingPlan(xShape: Shape, normalizedShape: readonly number[]): NormPlan {
  const k = normalizedShape.length, r = xShape.length;
  return { view: xShape, axes: Array.from({ length: k }, (_, i) => r - k + i), paramShape: normalizedShape, paramView: normalizedShape };
}

/** Per-channel weight (C,) viewed as (C, 1, ..., 1) against x (N, C, *). */
const channelParams = (xShape: Shape) => ({ paramShape: [xShape[1]!], paramView: [xShape[1]!, ...xShape.slice(2).map(() => 1)] });
/** The trailing "spatial" dims 2 .. rank-1 of x (N, C, *). */
const spatialAxes = (rank: number) => Array.from({ length: Math.max(0, rank - 2) }, (_, i) => i + 2);

/** batch_norm (training): statistics per channel over (N, *). */
export const batchPlan = (xShape: Shape): NormPlan => ({ view: xShape, axes: [0, ...spatialAxes(xShape.length)], ...channelParams(xShape) });

/** instance_norm: statistics per sample and channel over the spatial dims. */
export const instancePlan = (xShape: Shape): NormPlan => ({ view: xShape, axes: spatialAxes(xShape.length), ...channelParams(xShape) });

/** group_norm: x (N, C, *) viewed as (N, G, C/G * prod(*)), statistics over the last axis. */
export function groupPlan(xShape: Shape, numGroups: number): NormPlan {
  const n = xShape[0]!, c = xShape[1]!;
  return { view: [n, numGroups, (c / numGroups) * sizeOf(xShape.slice(2))], axes: [2], ...channelParams(xShape) };
}

/** Number of elements that share one mean/variance. */
export const groupSize = (plan: NormPlan): number => sizeOf(plan.axes.map((a) => plan.view[a]!));

/** eps: a finite non-negative number (torch allows 0), `dflt` when undefined. Shared by infer and kernels. */
export function resolveEps(op: string, eps: number | undefined, dflt: number): number {
  const e = eps ?? dflt;
  if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) throw new ValueError(op, `eps ${String(e)} must be a finite number >= 0`);
  return e;
}

/** torch.finfo(dtype).eps: rms_norm's default eps (torch.nn.functional.rms_norm). */
export const finfoEps = (dtype: DType): number => (dtype === 'float64' ? 2 ** -52 : 2 ** -23);

/** rms_norm's eps for an x of `dtype` (shared by infer, VJP and the ref kernel). */
export const rmsEps = (eps: number | undefined, dtype: DType): number => resolveEps('rms_norm', eps, finfoEps(dtype));

export function requireArityIn(op: string, inputs: readonly TensorMeta[], min: number, max: number): void {
  if (inputs.length < min || inputs.length > max) throw new ValueError(op, `expects ${min} to ${max} tensor inputs, got ${inputs.length}`);
}

/**
 * normalizedShape must be the trailing dims of x; shared by layer_norm and rms_norm (infer only).
 * torch: "Given normalized_shape=[4], expected input with shape [*, 4]".
 */
export function requireTrailing(op: string, x: TensorMeta, normalizedShape: readonly number[]): void {
  if (!Array.isArray(normalizedShape) || normalizedShape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(op, `normalizedShape ${JSON.stringify(normalizedShape)} must be a list of non-negative integers`);
  }
  const k = normalizedShape.length, r = x.shape.length;
  if (k > r || normalizedShape.some((d, i) => x.shape[r - k + i] !== d)) {
    throw new ShapeError(op, `x ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(normalizedShape)}: expected x of shape (*,${normalizedShape.join(',')})`);
  }
}

/** A float x of rank >= 2 laid out (N, C, *), for the per-channel norms. */
export function requireChannels(op: string, x: TensorMeta): void {
  requireFloat(op, 'x', x);
  if (x.shape.length < 2) throw new ShapeError(op, `x ${fmtShape(x.shape)} must have at least 2 dimensions (N, C, *)`);
}

/** The optional affine inputs after x (and batch_norm's running stats): [weight, bias], [weight], [bias] or []. */
export interface AffineAttrs {
  /** With a single parameter input: true when it is the bias (torch's weight=None, bias given). */
  biasOnly?: boolean;
}

/** Which of the trailing parameter inputs is the weight and which the bias. */
export function affineInputs<T>(params: readonly T[], attrs: AffineAttrs): { weight?: T; bias?: T } {
  if (params.length === 2) return { weight: params[0]!, bias: params[1]! };
  if (params.length === 1) return attrs.biasOnly ? { bias: params[0]! } : { weight: params[0]! };
  return {};
}

/** Names of the `count` parameter inputs, for errors. */
export const affineNames = (count: number, attrs: AffineAttrs): string[] => (count === 1 && attrs.biasOnly ? ['bias'] : ['weight', 'bias'].slice(0, count));

/** What a user function passes after x: the present parameters and the biasOnly flag. */
export function affineArgs<T>(weight: T | null, bias: T | null): { params: T[]; biasOnly?: boolean } {
  if (weight && bias) return { params: [weight, bias] };
  if (weight) return { params: [weight] };
  return bias ? { params: [bias], biasOnly: true } : { params: [] };
}

/** inputs[from...] are the affine parameters `names` (in order): x's dtype and exactly `shape`. */
export function requireParams(op: string, inputs: readonly TensorMeta[], from: number, names: readonly string[], shape: Shape): void {
  const x = inputs[0]!;
  inputs.slice(from).forEach((p, i) => {
    const name = names[i]!;
    requireFloat(op, name, p);
    if (p.dtype !== x.dtype) throw new DTypeError(op, `${name} ${fmtShape(p.shape)} has dtype ${p.dtype} but x ${fmtShape(x.shape)} has dtype ${x.dtype}; they must match`);
    if (!sameShape(p.shape, shape)) throw new ShapeError(op, `${name} ${fmtShape(p.shape)} must have shape ${fmtShape(shape)} for x ${fmtShape(x.shape)}`);
  });
}

/** Cost of a norm: about 8 FLOPs per element (mean, centre, square, scale, affine), operands read once. */
export function normCost(inputs: readonly TensorMeta[], outputs: readonly TensorMeta[]): { flops: number; bytes: number } {
  return { flops: 8 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) };
}

/** Generated affine inputs: how many parameters (0 to max) and, for one, whether it is the bias. */
export const arbAffine = (max = 2): fc.Arbitrary<{ count: number; biasOnly?: boolean }> =>
  fc.tuple(fc.integer({ min: 0, max }), fc.boolean()).map(([count, b]) => (count === 1 && b && max === 2 ? { count, biasOnly: true } : { count }));

/** Generated eps: the default or an explicit value (small and large relative to the variance). */
export const arbEps: fc.Arbitrary<number | undefined> = fc.constantFrom(undefined, 1e-3, 0.1);

/** How many affine parameters follow x: 0 (none), 1 (weight) or 2 (weight and bias). */
export const arbParamCount = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max });

/** x (N, C, *spatial) with rank 2-4, small dims, sometimes a zero-size dim. */
export const arbChannelShape = (channels: fc.Arbitrary<number> = fc.integer({ min: 1, max: 4 })): fc.Arbitrary<number[]> =>
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), channels, fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), fc.integer({ min: 0, max: 20 }))
    .map(([n, c, spatial, z]) => {
      const s = [n, c, ...spatial];
      if (z === 0) s[s.length - 1] = 0; // rare zero-size dim
      return s;
    });
