// Shared pieces of reduction ops: attribute types, inference, the keepdims shape and check cases.
import fc from 'fast-check';
import { arbAxes, arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase } from '../../check.js';
import type { DType } from '../../dtype.js';
import { ValueError, fmtShape } from '../../errors.js';
import { normalizeAxes, sizeOf, type Shape } from '../../shape.js';
import { requireArity, requireNumeric } from '../infer.js';

export interface ReduceAttrs {
  /** Axes to reduce; undefined reduces all. */
  axes?: number | readonly number[];
  keepdims?: boolean;
}

/** var/std: torch.var semantics; the divisor is max(0, N - correction). */
export interface VarAttrs extends ReduceAttrs {
  /** Bessel-style correction subtracted from the element count (default 1, the unbiased estimate). */
  correction?: number;
}

/** argmax/argmin: one axis, or undefined for an index into the flattened tensor. */
export interface ArgAttrs {
  axis?: number;
  keepdims?: boolean;
}

/** The reduced shape; reduced axes become 1 with keepdims, else disappear. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, k) => (axes.includes(k) ? 1 : d)) : shape.filter((_, k) => !axes.includes(k));
}

/** Number of elements that meet in one output position (the product of the reduced dims). */
export function reductionSize(shape: Shape, axes: readonly number[]): number {
  return sizeOf(axes.map((k) => shape[k]!));
}

export function reduceInfer<A extends ReduceAttrs = ReduceAttrs>(
  op: string,
  dtypeOf: (input: TensorMeta) => DType,
  validate?: (x: TensorMeta, axes: number[], attrs: A) => void,
) {
  return (inputs: readonly TensorMeta[], attrs: A): TensorMeta[] => {
    requireArity(op, inputs, 1);
    const x = inputs[0]!;
    const axes = normalizeAxes(op, 'axes', attrs.axes, x.shape);
    validate?.(x, axes, attrs);
    return [{ shape: reducedShape(x.shape, axes, attrs.keepdims ?? false), dtype: dtypeOf(x) }];
  };
}

/** For reductions without an identity (max, min, argmax): a reduced dimension of size 0 is an error (as in torch). */
export function requireNonEmptyReduction(op: string, x: TensorMeta, axes: readonly number[]): void {
  const k = axes.find((a) => x.shape[a] === 0);
  if (k !== undefined) {
    throw new ValueError(op, `x ${fmtShape(x.shape)}: reduction over axis ${k} of size 0 has no identity`);
  }
}

/** The reduced axes of argmax/argmin: all for an undefined axis (flattened index), else that one. */
export function argAxes(op: string, attrs: ArgAttrs, shape: Shape): number[] {
  if (attrs.axis !== undefined && typeof attrs.axis !== 'number') {
    throw new ValueError(op, `axis ${String(attrs.axis)} must be a single integer or undefined for a tensor of shape ${fmtShape(shape)}`);
  }
  return normalizeAxes(op, 'axis', attrs.axis, shape);
}

/** argmax/argmin: int32 indices; torch's shape rules (keepdims with no axis keeps every dim as 1). */
export function argInfer(op: string) {
  return (inputs: readonly TensorMeta[], attrs: ArgAttrs): TensorMeta[] => {
    requireArity(op, inputs, 1);
    const x = inputs[0]!;
    requireNumeric(op, 'x', x);
    const axes = argAxes(op, attrs, x.shape);
    requireNonEmptyReduction(op, x, axes);
    return [{ shape: reducedShape(x.shape, axes, attrs.keepdims ?? false), dtype: 'int32' }];
  };
}

/** The correction attribute, resolved identically by infer and the kernels. */
export function resolveCorrection(op: string, attrs: VarAttrs): number {
  const c = attrs.correction ?? 1;
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new ValueError(op, `correction ${String(c)} must be a finite number`);
  return c;
}

/** The divisor of var/std: max(0, N - correction) (torch); 0 gives inf or NaN like torch. */
export function varianceDivisor(n: number, correction: number): number {
  return Math.max(0, n - correction);
}

/** Skip predicate: some output position would reduce an empty set (NaN/-inf values there). */
export function emptyValueReduction(shape: Shape, axes: readonly number[]): boolean {
  return reductionSize(shape, axes) === 0 && sizeOf(reducedShape(shape, axes, false)) > 0;
}

/** Skip predicate: a reduced axis has size 0 (an error for reductions without an identity). */
export function zeroReducedAxis(shape: Shape, axes: readonly number[]): boolean {
  return axes.some((a) => shape[a] === 0);
}

type Skip = (shape: Shape, axes: readonly number[]) => boolean;
const skipped = (skip: Skip | undefined, shape: Shape, axes: number | readonly number[] | undefined) =>
  skip !== undefined && skip(shape, normalizeAxes('cases', 'axes', axes, shape));

/** Cases: any shape (zero-size dims only when `zero`), random axis subset and keepdims; `skip` drops cases. */
export function reduceCases(zero = true, skip?: Skip): fc.Arbitrary<CheckCase<ReduceAttrs>> {
  return arbShape({ zero })
    .chain((s) => fc.record({ shapes: fc.constant([s]), attrs: fc.record({ axes: arbAxes(s.length), keepdims: fc.boolean() }) }))
    .filter((c) => !skipped(skip, c.shapes[0]!, c.attrs.axes));
}

/** var/std cases: reduce cases plus a correction, keeping N - correction > 0 (else inf/NaN). */
export function varCases(): fc.Arbitrary<CheckCase<VarAttrs>> {
  return fc
    .tuple(reduceCases(true), fc.constantFrom(undefined, 0, 1, 2, 0.5))
    .map(([c, correction]) => ({ shapes: c.shapes, attrs: { ...c.attrs, correction } as VarAttrs }))
    .filter((c) => {
      const s = c.shapes[0]!;
      const ax = normalizeAxes('cases', 'axes', c.attrs.axes, s);
      return reductionSize(s, ax) > (c.attrs.correction ?? 1) || sizeOf(reducedShape(s, ax, false)) === 0;
    });
}

/** argmax/argmin cases: one axis or none (flattened), keepdims, never a reduced axis of size 0. */
export function argCases(): fc.Arbitrary<CheckCase<ArgAttrs>> {
  return arbShape({ zero: true })
    .chain((s) =>
      fc.record({
        shapes: fc.constant([s]),
        attrs: fc.record({ axis: fc.option(arbAxis(s.length), { nil: undefined }), keepdims: fc.boolean() }),
      }),
    )
    .filter((c) => !skipped(zeroReducedAxis, c.shapes[0]!, c.attrs.axis));
}
