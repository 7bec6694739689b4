// The parity tolerance (DESIGN.md decision 9; suites/README.md "Parity tolerance" states it in
// words). Three results per element i of one output (or gradient) tensor:
//   y_i  the float64 oracle: ref computing in float64 on the same (float32-representable) inputs
//   r_i  the float32 reference: ref run with float32 tensors, so every op result is rounded to
//        float32 (for a gradient, every op of the VJP graph is)
//   n_i  the accelerated backend's float32 result
// and the budget
//   b_i = k·(|c(r_i) - c(y_i)| + ρ + u·(|c(y_i)| + F·M)) + FLT_MIN
// with u = 2^-24 (float32 unit roundoff), k = PARITY_K, ρ the RMS of the float32 reference's error
// over the tensor (a different but equally good float32 computation errs elsewhere), M = max_j
// |c(y_j)| (the magnitude scale of the tensor), F = the op's FLOPs per output element from its
// `cost` (at least 1; the number of roundings that can feed one output: K for a K-long dot
// product, the reduction length for sum), and c(v) = v saturated at ±2^128, the float32 overflow
// threshold, so a float32 overflow to ±inf compares equal to a float64 value beyond float32 range.
// Rules, in order: y_i NaN needs n_i NaN; otherwise r_i NaN (float32 cannot compute the element
// even on ref, e.g. inf - inf after an overflow float64 avoids) excludes it; otherwise n_i NaN
// fails (NaN never passes); otherwise |c(n_i) - c(y_i)| <= b_i.

export const PARITY_K = 8;
const U = 2 ** -24;
const FLT_MIN = 2 ** -126;
const SAT = 2 ** 128;

const sat = (v: number): number => (v > SAT ? SAT : v < -SAT ? -SAT : v);

export interface Comparison {
  /** max over elements of error / budget (<= 1 passes); 0 for an empty tensor. */
  ratio: number;
  /** The element where the ratio peaks: absolute error, budget and the three values. */
  error: number;
  budget: number;
  index: number;
  oracle: number;
  reference: number;
  value: number;
  /** Elements left out because the float32 reference itself is NaN there. */
  excluded: number;
  /** Set when some element violates a rule; says which. */
  failure?: string;
}

/** Compares one float tensor; `flopsPerOutput` is F. */
export function compareFloat(y: ArrayLike<number>, r: ArrayLike<number>, n: ArrayLike<number>, flopsPerOutput: number): Comparison {
  const len = y.length;
  const F = Math.max(1, flopsPerOutput);
  let M = 0, sq = 0, cnt = 0;
  for (let i = 0; i < len; i++) {
    const yi = y[i]!, ri = r[i]!;
    if (!Number.isNaN(yi)) M = Math.max(M, Math.abs(sat(yi)));
    if (!Number.isNaN(yi) && !Number.isNaN(ri)) {
      const e = Math.abs(sat(ri) - sat(yi));
      sq += e * e;
      cnt++;
    }
  }
  const rho = cnt ? Math.sqrt(sq / cnt) : 0;
  const res: Comparison = { ratio: 0, error: 0, budget: 0, index: -1, oracle: 0, reference: 0, value: 0, excluded: 0 };
  const note = (i: number, error: number, budget: number, ratio: number) => {
    if (ratio > res.ratio || res.index < 0) Object.assign(res, { ratio, error, budget, index: i, oracle: y[i]!, reference: r[i]!, value: n[i]! });
  };
  for (let i = 0; i < len; i++) {
    const yi = y[i]!, ri = r[i]!, ni = n[i]!;
    if (Number.isNaN(yi)) {
      if (!Number.isNaN(ni)) {
        note(i, Infinity, 0, Infinity);
        res.failure ??= `element ${i}: the oracle is NaN but the backend gives ${ni}`;
      }
      continue;
    }
    if (Number.isNaN(ri)) {
      res.excluded++;
      continue;
    }
    if (Number.isNaN(ni)) {
      note(i, Infinity, 0, Infinity);
      res.failure ??= `element ${i}: the backend gives NaN where the oracle is ${yi} (NaN never passes)`;
      continue;
    }
    const err = Math.abs(sat(ni) - sat(yi));
    const budget = PARITY_K * (Math.abs(sat(ri) - sat(yi)) + rho + U * (Math.abs(sat(yi)) + F * M)) + FLT_MIN;
    note(i, err, budget, err / budget);
    if (!(err <= budget)) res.failure ??= `element ${i}: |${ni} - ${yi}| = ${err.toExponential(3)} exceeds the budget ${budget.toExponential(3)} (float32 reference ${ri})`;
  }
  return res;
}

/** Integer and bool outputs (indices, comparisons, casts) must match exactly. */
export function compareExact(y: ArrayLike<number>, n: ArrayLike<number>): Comparison {
  const res: Comparison = { ratio: 0, error: 0, budget: 0, index: -1, oracle: 0, reference: 0, value: 0, excluded: 0 };
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== n[i]) {
      return { ...res, ratio: Infinity, error: Math.abs(y[i]! - n[i]!), index: i, oracle: y[i]!, reference: y[i]!, value: n[i]!, failure: `element ${i}: expected exactly ${y[i]}, the backend gives ${n[i]}` };
    }
  }
  return res;
}
