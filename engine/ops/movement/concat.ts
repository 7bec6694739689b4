import fc from 'fast-check';
import { arbAxis, arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost } from '../infer.js';
import { caseAxis, joinDType } from './indexing-util.js';
import { split } from './split.js';

export interface ConcatAttrs {
  /** Axis to join along (default 0); every other size must match. */
  axis?: number;
}

/** torch.cat: same rank, equal sizes except along `axis`, which add up. */
function concatShape(inputs: readonly TensorMeta[], axisAttr: number | undefined): number[] {
  if (inputs.length === 0) throw new ValueError('concat', 'tensors is empty; expected at least one tensor');
  const first = inputs[0]!.shape;
  const rank = first.length;
  if (rank === 0) throw new ShapeError('concat', `tensors[0] () is 0-dimensional and cannot be concatenated (stack joins along a new axis)`);
  const axis = normalizeAxis('concat', 'axis', axisAttr ?? 0, rank, first);
  let total = 0;
  inputs.forEach(({ shape }, i) => {
    if (shape.length !== rank) {
      throw new ShapeError('concat', `tensors[${i}] ${fmtShape(shape)} has rank ${shape.length} but tensors[0] ${fmtShape(first)} has rank ${rank}`);
    }
    shape.forEach((d, k) => {
      if (k !== axis && d !== first[k]) {
        const pair = `tensors[${i}] ${fmtShape(shape)} and tensors[0] ${fmtShape(first)}`;
        throw new ShapeError('concat', `${pair}: sizes differ in dimension ${k} (${d} vs ${first[k]}); only axis ${axis} may differ`);
      }
    });
    total += shape[axis]!;
  });
  return first.map((d, k) => (k === axis ? total : d));
}

/** Cases: 1-4 inputs of rank 1-4 that agree except along the axis (zero-size pieces included). */
const cases = fc.integer({ min: 1, max: 4 }).chain((rank) =>
  fc
    .record({
      base: fc.array(arbDim(4, true), { minLength: rank, maxLength: rank }),
      axis: fc.option(arbAxis(rank), { nil: undefined }),
      along: fc.array(arbDim(3, true), { minLength: 1, maxLength: 4 }),
    })
    .map(({ base, axis, along }) => {
      const a = caseAxis(axis ?? 0, rank);
      return { shapes: along.map((n) => base.map((d, k) => (k === a ? n : d))), attrs: { axis } as ConcatAttrs };
    }),
);

export const concatOp = defineOp({
  name: 'concat',
  family: 'movement',
  doc: 'join tensors along an existing axis (torch.cat); dtypes are promoted together',
  infer: (inputs: readonly TensorMeta[], attrs: ConcatAttrs) => [{ shape: concatShape(inputs, attrs.axis), dtype: joinDType(inputs) }],
  // d concat(x_1..x_n) / d x_i picks the i-th block of dOut along the axis: split is its adjoint.
  vjp: ({ inputs, dOut, attrs }) => {
    const axis = normalizeAxis('concat', 'axis', attrs.axis ?? 0, dOut.rank);
    return split(dOut, { axis, sizes: inputs.map((x) => x.shape[axis]!) });
  },
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

/**
 * torch.cat(tensors, dim=axis). NOTE: torch's legacy rule that skips 1-D empty tensors of shape
 * (0,) whatever the other ranks is not supported: every input must have the same rank.
 */
export const concat = (tensors: readonly Tensor[], attrs: ConcatAttrs = {}): Tensor => apply1(concatOp, tensors, attrs);
