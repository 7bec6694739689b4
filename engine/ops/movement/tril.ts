import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost } from '../infer.js';
import { triangleCases, triangleInfer, type TriangleAttrs } from './util.js';

export type TrilAttrs = TriangleAttrs;

export const trilOp = defineOp({
  name: 'tril',
  family: 'movement',
  doc: 'lower triangle of the last two dims: out[..., i, j] = x[..., i, j] if j - i <= k else 0',
  infer: triangleInfer('tril'),
  // The mask is constant: dx = tril(dOut, k).
  vjp: ({ dOut, attrs }) => [tril(dOut, attrs.k ?? 0)],
  check: { cases: triangleCases(), inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const tril = (x: Tensor, k = 0): Tensor => apply1(trilOp, [x], { k });
