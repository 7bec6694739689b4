// Shared pieces of the fused optimizer steps (sgd_step, adam_step): input and attribute
// validation and check cases. Every state tensor has the parameter's shape and dtype.
import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase, Domain } from '../../check.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { sameShape } from '../../shape.js';
import { requireArity, requireFloat } from '../infer.js';

/** Second-moment state (v, v̂): non-negative, with zeros, denormals and +inf as special values. */
export const NONNEGATIVE: Domain = { low: 0, high: 3 };

/** `inputs` (named by `names`) are float tensors of one shape and dtype; returns the parameter's meta. */
export function requireLikeParam(op: string, inputs: readonly TensorMeta[], names: readonly string[]): TensorMeta {
  requireArity(op, inputs, names.length);
  const p = inputs[0]!;
  requireFloat(op, names[0]!, p);
  inputs.forEach((t, i) => {
    if (i === 0) return;
    if (t.dtype !== p.dtype) throw new DTypeError(op, `${names[i]} ${fmtShape(t.shape)} has dtype ${t.dtype}; expected ${p.dtype} like ${names[0]}`);
    if (!sameShape(t.shape, p.shape)) throw new ShapeError(op, `${names[i]} ${fmtShape(t.shape)} must have the shape of ${names[0]} ${fmtShape(p.shape)}`);
  });
  return { shape: p.shape, dtype: p.dtype };
}

export function requireFiniteAtLeast(op: string, name: string, v: unknown, low: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= low)) throw new ValueError(op, `${name} ${String(v)} must be a finite number >= ${low}`);
}

export function requireBool(op: string, name: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new ValueError(op, `${name} ${String(v)} must be a boolean`);
}

/** Cases: one parameter shape (any rank, zero-size dims too) shared by `count(attrs)` inputs. */
export function optimCases<A>(attrs: fc.Arbitrary<A>, count: (a: A) => number): fc.Arbitrary<CheckCase<A>> {
  return fc.record({ shape: arbShape({ zero: true }), attrs }).map(({ shape, attrs: a }) => ({ shapes: Array.from({ length: count(a) }, () => shape), attrs: a }));
}
