import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { bernoulli, zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';
import { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost, requireArity, requireFloat } from '../infer.js';

export interface DropoutAttrs {
  /** Probability of zeroing an element, in [0, 1]. */
  p: number;
  /** Key of the Philox stream (engine/rng.ts). */
  seed: number;
  /** Word of the stream used by element 0; element i uses word offset + i. */
  offset: number;
}

const isCounter = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function dropoutInfer(inputs: readonly TensorMeta[], attrs: DropoutAttrs): TensorMeta[] {
  requireArity('dropout', inputs, 1);
  requireFloat('dropout', 'x', inputs[0]!);
  if (typeof attrs.p !== 'number' || !(attrs.p >= 0 && attrs.p <= 1)) throw new ValueError('dropout', `p ${String(attrs.p)} must lie in [0, 1]`);
  if (!isCounter(attrs.seed)) throw new ValueError('dropout', `seed ${String(attrs.seed)} must be a non-negative safe integer`);
  if (!isCounter(attrs.offset)) throw new ValueError('dropout', `offset ${String(attrs.offset)} must be a non-negative safe integer`);
  return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
}

const cases = unaryCases(
  fc.record({ p: fc.constantFrom(0, 0.1, 0.5, 0.9, 1), seed: fc.nat(), offset: fc.nat({ max: 1_000_000 }) }),
  { zero: true },
);

export const dropoutOp = defineOp({
  name: 'dropout',
  family: 'nn',
  doc: 'y_i = x_i * keep_i / (1 - p), keep_i = (u_i >= p) with u_i the uniform draw of word offset + i of the Philox stream of seed (engine/rng.ts); p = 1 gives zeros',
  infer: dropoutInfer,
  // Linear in x with a fixed mask: dX = dOut * keep / (1 - p) = dropout(dOut) with the same attrs (the identical mask).
  vjp: ({ dOut, attrs }) => [dropout(dOut, attrs)],
  // The same draws through creation.bernoulli: b_i = (u_i < p), keep_i = 1 - b_i.
  decompose: ([x], attrs) => {
    if (attrs.p === 1) return [zerosLike(x!)];
    const drop = bernoulli(x!.shape, attrs.p, { gen: new Generator(attrs.seed, attrs.offset), dtype: x!.dtype, backend: x!.backend });
    return [mul(mul(x!, sub(1, drop)), 1 / (1 - attrs.p))];
  },
  check: { cases, inputs: [F], secondOrder: true },
  cost: elementwiseCost(2),
});

/**
 * Dropout with an explicit mask stream: the same (seed, offset) gives the same mask on every
 * backend. NOTE: torch draws its mask from its own generator, so masks differ from torch's.
 */
export const dropout = (x: Tensor, attrs: DropoutAttrs): Tensor => apply1(dropoutOp, [x], attrs);

/**
 * What Dropout modules call: identity when !training or p == 0 (no words drawn); otherwise
 * reserves x.size words of `gen` and applies dropout at that offset.
 */
export function dropoutWith(x: Tensor, p: number, gen: Generator, training = true): Tensor {
  if (!training || p === 0) return x;
  return dropout(x, { p, seed: gen.seed, offset: gen.take(x.size) });
}
