// Shared pieces of the hyper-connection stream ops hc_pre and hc_post_res: shape checks (leading
// dims must match exactly, no broadcasting), the (tokens, n, C) view and check cases.
// Spec: shared/specs/mhc-hc-attention.md §2.5 and §2.7 (DeepSeek's F_pre and F_post,res kernels).
import fc from 'fast-check';
import { arbDim, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase } from '../../check.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { sameShape, sizeOf, type Shape } from '../../shape.js';
import { requireFloat } from '../infer.js';

/** The streams x (..., n, C) as tokens × n × C. */
export interface HcPlan {
  tokens: number;
  n: number;
  C: number;
}

/** x (..., n, C): float, rank >= 2. */
export function hcStreams(op: string, x: TensorMeta): HcPlan {
  requireFloat(op, 'x', x);
  const r = x.shape.length;
  if (r < 2) throw new ShapeError(op, `x ${fmtShape(x.shape)} must have rank >= 2: (..., n, C) streams`);
  const n = x.shape[r - 2]!, C = x.shape[r - 1]!;
  return { tokens: sizeOf(x.shape.slice(0, -2)), n, C };
}

/** `arg` must be float, of x's dtype, and have exactly `want` as its shape (no broadcasting). */
export function requireExact(op: string, arg: string, m: TensorMeta, want: Shape, x: TensorMeta, what: string): void {
  requireFloat(op, arg, m);
  if (m.dtype !== x.dtype) throw new DTypeError(op, `${arg} ${fmtShape(m.shape)} has dtype ${m.dtype} but x has ${x.dtype}; they must match`);
  if (!sameShape(m.shape, want)) {
    throw new ShapeError(op, `${arg} ${fmtShape(m.shape)} must be ${fmtShape(want)} (${what}) for x ${fmtShape(x.shape)}; leading dims must match exactly (no broadcasting)`);
  }
}

/** Cases: 0-2 token dims (zero-size too), n streams, C channels; `shapes` builds the inputs from them. */
export function hcCases(shapes: (lead: number[], n: number, C: number) => number[][]): fc.Arbitrary<CheckCase<Record<string, never>>> {
  return fc
    .record({ lead: arbShape({ maxRank: 2, maxDim: 3, zero: true }), n: arbDim(4), C: arbDim(5, true) })
    .map(({ lead, n, C }) => ({ shapes: shapes(lead, n, C), attrs: {} }));
}
