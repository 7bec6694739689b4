// Assertions shared by the op and nn suites: a typed error with its message fragments, and
// elementwise closeness against plain values or against another tensor.
import { expect } from 'vitest';
import type { Tensor } from '../../engine/index.js';

/**
 * Asserts `fn` throws an instance of `cls` whose message contains every string fragment and
 * matches every RegExp fragment.
 */
export function expectError(fn: () => unknown, cls: new (...args: never[]) => Error, ...fragments: (string | RegExp)[]): void {
  let err: unknown = null;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(cls);
  for (const f of fragments) {
    if (typeof f === 'string') expect((err as Error).message).toContain(f);
    else expect((err as Error).message).toMatch(f);
  }
}

/** |got[i] - want[i]| ≤ tol·max(1, |want[i]|) for every element, and the same length. */
export function expectClose(got: Tensor | readonly number[], want: readonly number[], tol = 1e-12): void {
  const g = isNumbers(got) ? got : Array.from(got.dataSync());
  expect(g).toHaveLength(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}]: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

/** The same shape, and |a[i] - b[i]| ≤ tol·(1 + |b[i]|) for every element. */
export function expectTensorsClose(a: Tensor, b: Tensor, tol = 1e-12): void {
  expect(a.shape).toEqual(b.shape);
  const x = Array.from(a.dataSync()), y = Array.from(b.dataSync());
  x.forEach((v, i) => expect(Math.abs(v - y[i]!), `element ${i}: ${v} vs ${y[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!))));
}

const isNumbers = (v: Tensor | readonly number[]): v is readonly number[] => Array.isArray(v);
