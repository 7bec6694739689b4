// Shared pieces of softmax and log_softmax: the axis attribute, inference and check cases.
import fc from 'fast-check';
import { arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase } from '../../check.js';
import { normalizeAxes, type Shape } from '../../shape.js';
import { requireArity, requireFloat } from '../infer.js';

export interface SoftmaxAttrs {
  /** The axis that is normalized over (default -1, the last). */
  axis?: number;
}

/** The softmax axis as a reduction axis list ([] for a 0-d tensor); shared by infer and kernels. */
export function softmaxAxes(op: string, attrs: SoftmaxAttrs, shape: Shape): number[] {
  return normalizeAxes(op, 'axis', attrs.axis ?? -1, shape);
}

/** Float input, same shape and dtype out; the axis must be in range. */
export function softmaxInfer(op: string) {
  return (inputs: readonly TensorMeta[], attrs: SoftmaxAttrs): TensorMeta[] => {
    requireArity(op, inputs, 1);
    const x = inputs[0]!;
    requireFloat(op, 'x', x);
    softmaxAxes(op, attrs, x.shape);
    return [{ shape: x.shape, dtype: x.dtype }];
  };
}

/** Any shape (zero-size dims too), the default or an explicit (possibly negative) axis. */
export const softmaxCases: fc.Arbitrary<CheckCase<SoftmaxAttrs>> = arbShape({ zero: true }).chain((s) =>
  fc.record({ shapes: fc.constant([s]), attrs: fc.record({ axis: fc.option(arbAxis(s.length), { nil: undefined }) }) }),
);
