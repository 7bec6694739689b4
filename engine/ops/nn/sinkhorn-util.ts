// Shared pieces of sinkhorn and sinkhorn_backward: the `iters` attribute, shape checks, check
// cases and values, and the unrolled iterations written with ops (the oracle of both kernels).
// Spec: shared/specs/mhc-hc-attention.md §2.3. Pure shape logic, so the ref kernels import it too.
import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase, ValueSource } from '../../check.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { sizeOf, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { sub } from '../binary/sub.js';
import { bytesOf, requireFloat } from '../infer.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { exp } from '../unary/exp.js';

export interface SinkhornAttrs {
  /** t_max, the number of (column, row) normalization rounds; an integer >= 1 (default 20, mHC Table 5). */
  iters?: number;
}

export const SINKHORN_DEFAULT_ITERS = 20;

/** t_max of the attributes: an integer >= 1. Shared by infer and the kernels. */
export function sinkhornIters(op: string, attrs: SinkhornAttrs): number {
  const t = attrs.iters ?? SINKHORN_DEFAULT_ITERS;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1) throw new ValueError(op, `iters ${String(t)} must be an integer >= 1`);
  return t;
}

/** logits (..., n, n): float, rank >= 2, square trailing matrices. */
export function requireSquare(op: string, arg: string, m: TensorMeta): void {
  requireFloat(op, arg, m);
  const r = m.shape.length;
  if (r < 2) throw new ShapeError(op, `${arg} ${fmtShape(m.shape)} must have rank >= 2: (..., n, n) matrices`);
  if (m.shape[r - 1] !== m.shape[r - 2]) throw new ShapeError(op, `${arg} ${fmtShape(m.shape)} must end in square (n, n) matrices; got ${m.shape[r - 2]}x${m.shape[r - 1]}`);
}

/** Matrices of x (..., n, n) as (count, n). */
export function matrixPlan(shape: Shape): { count: number; n: number } {
  const n = shape[shape.length - 1]!;
  return { count: n === 0 ? 0 : sizeOf(shape) / (n * n), n };
}

/** Cases: `inputs` tensors of one shape (..., n, n), n in {1,2,3,4,5,8}, 0-2 batch dims (zero-size too), t_max in {1,3,20}. */
export function sinkhornCases(inputs: number): fc.Arbitrary<CheckCase<SinkhornAttrs>> {
  return fc
    .record({ batch: arbShape({ maxRank: 2, maxDim: 3, zero: true }), n: fc.constantFrom(1, 2, 3, 4, 5, 8), iters: fc.constantFrom(1, 3, 20) })
    .map(({ batch, n, iters }) => ({ shapes: Array.from({ length: inputs }, () => [...batch, n, n]), attrs: { iters } }));
}

/** A standard normal from two uniforms (Box-Muller). */
function normal(src: ValueSource): number {
  const u1 = 1 - src.uniform(), u2 = src.uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Logits ~ N(0, s²) with s drawn from {1, 4, 8} per case (spec §3.2 scales); `extra` more N(0,1) inputs. */
export function sinkhornValues(shapes: readonly (readonly number[])[], src: ValueSource): number[][] {
  const scale = [1, 4, 8][src.int(0, 3)]!;
  return shapes.map((s, i) => Array.from({ length: sizeOf(s) }, () => (i === 0 ? scale : 1) * normal(src)));
}

/** Per matrix: exp n², then per iteration two sums and two divisions of n² each. */
export function sinkhornCost(perIterFlops: number) {
  return (inputs: readonly TensorMeta[], outputs: readonly TensorMeta[], attrs: SinkhornAttrs) => ({
    flops: sizeOf(inputs[0]!.shape) * (1 + perIterFlops * sinkhornIters('sinkhorn', attrs)),
    bytes: bytesOf(inputs) + bytesOf(outputs),
  });
}

/**
 * The unrolled iterations with ops: M⁰ = exp(L − colmax(L)), Mᵗ = T_r(T_c(Mᵗ⁻¹)), T_c dividing each
 * column by its sum, T_r each row. NOTE: the column max is detached: the result is exactly
 * invariant to per-column shifts because T_c runs first (spec §2.3), so no gradient flows through it.
 */
export function sinkhornUnrolled(logits: Tensor, iters: number): Tensor {
  let m = exp(sub(logits, max(logits.detach(), { axes: -2, keepdims: true })));
  for (let t = 0; t < iters; t++) {
    m = div(m, sum(m, { axes: -2, keepdims: true })); // T_c: columns sum to 1
    m = div(m, sum(m, { axes: -1, keepdims: true })); // T_r: rows sum to 1 (last, so exact)
  }
  return m;
}
