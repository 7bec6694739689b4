import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost } from '../infer.js';
import { triangleCases, triangleInfer, type TriangleAttrs } from './util.js';

export type TriuAttrs = TriangleAttrs;

export const triuOp = defineOp({
  name: 'triu',
  family: 'movement',
  doc: 'upper triangle of the last two dims: out[..., i, j] = x[..., i, j] if j - i >= k else 0',
  infer: triangleInfer('triu'),
  // The mask is constant: dx = triu(dOut, k).
  vjp: ({ dOut, attrs }) => [triu(dOut, attrs.k ?? 0)],
  check: { cases: triangleCases(), inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const triu = (x: Tensor, k = 0): Tensor => apply1(triuOp, [x], { k });
