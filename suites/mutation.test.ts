// The gradient checks must catch broken VJPs. For every differentiable op and every input that
// receives a gradient, plant two bugs (a flipped sign, a wrong factor) and require a failure that
// names the op. Nothing here lists ops: new ops are covered automatically.
import { describe, expect, test } from 'vitest';
import { OPS, OP_NAMES, mul, type AnyOp, type Tensor } from '../engine/index.js';
import { specFor } from './harness/values.js';
import { checkOp } from './harness/gradcheck.js';

// Ops whose gradient is identically zero: no planted bug can change it.
const ZERO_GRADIENT = new Set(['sign']);

function mutated(def: AnyOp, input: number, factor: number): AnyOp {
  const vjp = def.vjp!;
  return { ...def, vjp: (ctx) => vjp(ctx).map((g: Tensor | null, i: number) => (i === input && g ? mul(g, factor) : g)) };
}

const targets = OP_NAMES.filter((n) => OPS[n].vjp && !ZERO_GRADIENT.has(n)).flatMap((name) => {
  const def = OPS[name];
  const n = Math.max(def.check.inputs.length, 1);
  return Array.from({ length: n }, (_, i) => i)
    .filter((i) => specFor(def.check, i).kind === 'float' && !specFor(def.check, i).noGrad)
    .map((i) => [name, i] as const);
});

describe('planted VJP bugs are caught', () => {
  test.each(targets)('%s: a wrong gradient for input %i fails the check', (name, input) => {
    for (const factor of [-1, 1.5]) {
      const r = checkOp(mutated(OPS[name], input, factor), { runs: 25, seed: 7 });
      expect(r.passed, `${name} input ${input} scaled by ${factor} was not caught`).toBe(false);
      expect(r.failure!.message.startsWith(`${name}:`)).toBe(true);
    }
  });
});
