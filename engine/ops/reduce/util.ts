// Shared pieces of reduction ops: attribute type, inference and the keepdims shape.
import fc from 'fast-check';
import { arbAxes, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase } from '../../check.js';
import type { DType } from '../../dtype.js';
import { normalizeAxes, type Shape } from '../../shape.js';
import { requireArity } from '../infer.js';

export interface ReduceAttrs {
  /** Axes to reduce; undefined reduces all. */
  axes?: number | readonly number[];
  keepdims?: boolean;
}

/** The reduced shape; reduced axes become 1 with keepdims, else disappear. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  return keepdims ? shape.map((d, k) => (axes.includes(k) ? 1 : d)) : shape.filter((_, k) => !axes.includes(k));
}

export function reduceInfer(op: string, dtypeOf: (input: TensorMeta) => DType, validate?: (x: TensorMeta) => void) {
  return (inputs: readonly TensorMeta[], attrs: ReduceAttrs): TensorMeta[] => {
    requireArity(op, inputs, 1);
    const x = inputs[0]!;
    validate?.(x);
    const axes = normalizeAxes(op, 'axes', attrs.axes, x.shape);
    return [{ shape: reducedShape(x.shape, axes, attrs.keepdims ?? false), dtype: dtypeOf(x) }];
  };
}

/** Cases: any shape (zero-size dims only when `zero`), random axis subset and keepdims. */
export function reduceCases(zero = true): fc.Arbitrary<CheckCase<ReduceAttrs>> {
  return arbShape({ zero }).chain((s) =>
    fc.record({ shapes: fc.constant([s]), attrs: fc.record({ axes: arbAxes(s.length), keepdims: fc.boolean() }) }),
  );
}
