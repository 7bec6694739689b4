// Shared pieces of the losses: the reduction, argument validation with typed errors that name the
// loss, and reads of data-dependent values (class indices, probabilities) on synchronous backends.
// Not re-exported from the engine's entry.
import { isFloat, type TypedArray } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { mean } from '../../ops/reduce/mean.js';
import { sum } from '../../ops/reduce/sum.js';
import { broadcastShapes, sameShape, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

/** torch's `reduction`: per-element losses, their mean, or their sum. */
export type LossReduction = 'none' | 'mean' | 'sum';

const REDUCTIONS: readonly string[] = ['none', 'mean', 'sum'];

/** The reduction, default 'mean'; anything else is a ValueError naming the loss. */
export function resolveReduction<R extends string = LossReduction>(loss: string, r: R | undefined, allowed: readonly string[] = REDUCTIONS): R {
  const v = r ?? ('mean' as R);
  if (!allowed.includes(v)) throw new ValueError(loss, `reduction '${String(v)}' is not one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return v;
}

/** Applies 'none' | 'mean' | 'sum' to a tensor of per-element losses. */
export function reduceLoss(loss: Tensor, reduction: LossReduction): Tensor {
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'mean') return mean(loss);
  return loss;
}

export function requireFloatArg(loss: string, arg: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(loss, `${arg} ${fmtShape(t.shape)} has dtype ${t.dtype}; expected float32 or float64`);
}

/** Float or int32 (targets of ±1 may be either, as in torch). */
export function requireNumericArg(loss: string, arg: string, t: Tensor): void {
  if (t.dtype === 'bool') throw new DTypeError(loss, `${arg} ${fmtShape(t.shape)} has dtype bool; expected a numeric dtype`);
}

/** Class indices are int32 (torch's int64 role). */
export function requireIndexArg(loss: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new DTypeError(loss, `${arg} ${fmtShape(t.shape)} has dtype ${t.dtype}; class indices must be int32`);
}

/** Two tensors of exactly the same shape (torch broadcasts some of these with a warning; we refuse). */
export function requireSameShape(loss: string, a: [string, Tensor], b: [string, Tensor]): void {
  if (!sameShape(a[1].shape, b[1].shape)) {
    throw new ShapeError(loss, `${a[0]} ${fmtShape(a[1].shape)} and ${b[0]} ${fmtShape(b[1].shape)} must have the same shape`);
  }
}

/** `t` broadcasts to `shape` without growing it (a weight against the input). */
export function requireBroadcastsTo(loss: string, arg: string, t: Tensor, shape: Shape, target: string): void {
  const out = broadcastShapes(loss, [t.shape, shape], [arg, target]);
  if (!sameShape(out, shape)) throw new ShapeError(loss, `${arg} ${fmtShape(t.shape)} does not broadcast to ${target} ${fmtShape(shape)}`);
}

export function requireNumber(loss: string, name: string, v: unknown, ok: (v: number) => boolean = Number.isFinite, what = 'a finite number'): void {
  if (typeof v !== 'number' || !ok(v)) throw new ValueError(loss, `${name} ${String(v)} must be ${what}`);
}

/** The values of `t` when its backend reads synchronously (ref, native); null otherwise (checks are skipped). */
export function readValues(t: Tensor): TypedArray | null {
  return t.backend.syncRead ? t.dataSync() : null;
}

/** Row-major index of flat position `i` in `shape`, as "(n,c,...)" for error messages. */
export function fmtIndex(shape: Shape, i: number): string {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    idx.unshift(i % d);
    i = Math.floor(i / d);
  }
  return `(${idx.join(',')})`;
}

/** Every value passes `ok` (on synchronous backends); otherwise a ValueError names the first bad one. */
export function requireValues(loss: string, arg: string, t: Tensor, ok: (v: number) => boolean, what: string): void {
  const vals = readValues(t);
  if (!vals) return;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (!ok(v)) throw new ValueError(loss, `${arg} ${fmtShape(t.shape)} has ${v} at ${fmtIndex(t.shape, i)}; ${what}`);
  }
}

/** Class indices in [0, C) or equal to ignoreIndex. */
export function requireClassIndices(loss: string, target: Tensor, numClasses: number, ignoreIndex: number, input: Tensor): void {
  const vals = readValues(target);
  if (!vals) return;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (v === ignoreIndex || (v >= 0 && v < numClasses)) continue;
    throw new ValueError(loss, `target ${fmtShape(target.shape)} has class index ${v} at ${fmtIndex(target.shape, i)}, outside [0, ${numClasses}) for input ${fmtShape(input.shape)} (ignoreIndex ${ignoreIndex})`);
  }
}

/** ±1 targets (hinge and cosine embedding losses give silently wrong values for anything else). */
export const requirePlusMinusOne = (loss: string, target: Tensor): void =>
  requireValues(loss, 'target', target, (v) => v === 1 || v === -1, 'targets must be 1 or -1');
