import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { resolvePermutation } from './util.js';

export interface PermuteAttrs {
  /** Output dim k is input dim dims[k] (torch.permute); negative entries count from the end. */
  dims: readonly number[];
}

/** Cases: any shape, a random permutation of its axes written with random signs. */
const cases = arbShape({ zero: true }).chain((s) => {
  const r = s.length;
  const perm = fc.shuffledSubarray(Array.from({ length: r }, (_, i) => i), { minLength: r, maxLength: r });
  return perm
    .chain((p) => (r === 0 ? fc.constant([] as number[]) : fc.tuple(...p.map((a) => fc.constantFrom(a, a - r)))))
    .map((dims) => ({ shapes: [s], attrs: { dims } as PermuteAttrs }));
});

export const permuteOp = defineOp({
  name: 'permute',
  family: 'movement',
  doc: 'reorder the dimensions: out[j_0, ..., j_{r-1}] = x at index i with i[dims[k]] = j_k',
  infer: (inputs: readonly TensorMeta[], attrs: PermuteAttrs) => {
    requireArity('permute', inputs, 1);
    const x = inputs[0]!;
    const dims = resolvePermutation('permute', attrs.dims, x.shape);
    return [{ shape: dims.map((d) => x.shape[d]!), dtype: x.dtype }];
  },
  // dx = permute(dOut, dims⁻¹), where dims⁻¹[dims[k]] = k.
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const dims = resolvePermutation('permute', attrs.dims, x!.shape);
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, k) => (inverse[d] = k));
    return [permute(dOut, inverse)];
  },
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const permute = (x: Tensor, dims: readonly number[]): Tensor => apply1(permuteOp, [x], { dims });
