// Registry-driven gradient checks (PyTorch gradcheck / JAX check_grads, property-based):
// for each generated case, on ref in float64,
//  1. outputs are finite (NaN never passes);
//  2. first order: <v, J u> from the VJP equals a central finite difference of <v, f(x + h u)>,
//     and for tiny inputs every Jacobian entry is compared;
//  3. second order (ops marked so): the gradient of <VJP(v), w> equals a finite difference of the
//     analytic first-order gradient along u.
// fast-check generates shapes, attributes and a value seed; failures shrink and print the seed
// and path that replay them.
import fc from 'fast-check';
import type { CheckCase, Tolerance } from '../../engine/check.js';
import { apply, fromArray, gradients, isFloat, type AnyOp, type Tensor } from '../../engine/index.js';
import { PhiloxSource, caseValues, specFor } from './values.js';

export const TOLERANCE: Record<Tolerance, number> = { strict: 1e-6, balanced: 1e-5, permissive: 1e-4 };
const H = 1e-6;
const FULL_JACOBIAN_MAX_IN = 12;
const FULL_JACOBIAN_MAX_OUT = 24;

export class GradCheckFailure extends Error {}

export interface CaseResult {
  firstOrder: number;
  secondOrder: number;
}

export interface OpCheckResult {
  op: string;
  runs: number;
  passed: boolean;
  /** Worst relative error seen in first- and second-order comparisons. */
  worstFirstOrder: number;
  worstSecondOrder: number;
  secondOrderChecked: boolean;
  differentiable: boolean;
  failure?: { message: string; seed: number; path: string; counterexample: string };
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
export const absDot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! * b[i]!);
  return s;
};
/** |a - n| relative to the magnitudes involved, with a floor so near-zero entries compare absolutely. */
export const relErr = (a: number, n: number, scale: number): number => Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), scale, 1e-2);

interface Prepared {
  values: number[][];
  grad: boolean[];
  kinds: string[];
}

function makeInputs(p: Prepared, c: CheckCase<unknown>, override?: number[][]): Tensor[] {
  return c.shapes.map((shape, i) => {
    const vals = override?.[i] ?? p.values[i]!;
    const kind = p.kinds[i]!;
    const dtype = kind === 'float' ? 'float64' : kind === 'int32' ? 'int32' : 'bool';
    const arr = dtype === 'float64' ? Float64Array.from(vals) : dtype === 'int32' ? Int32Array.from(vals) : Uint8Array.from(vals.map((v) => (v ? 1 : 0)));
    const t = fromArray(arr, shape, dtype, { backend: 'ref' });
    if (p.grad[i]) t.requireGrad();
    return t;
  });
}

const read = (t: Tensor | null | undefined, n: number): Float64Array => (t ? Float64Array.from(t.dataSync()) : new Float64Array(n));

function perturbed(p: Prepared, dirs: Float64Array[], eps: number): number[][] {
  return p.values.map((v, i) => (p.grad[i] ? v.map((x, j) => x + eps * dirs[i]![j]!) : v));
}

/** Runs one case; throws GradCheckFailure with a message naming the op on any violation. */
export function checkCase(def: AnyOp, c: CheckCase<unknown>, seed: number): CaseResult {
  const spec = def.check;
  const kinds = c.shapes.map((_, i) => specFor(spec, i).kind);
  const differentiable = !!def.vjp;
  const p: Prepared = {
    values: caseValues(spec, c, seed),
    kinds,
    grad: kinds.map((k, i) => differentiable && k === 'float' && !specFor(spec, i).noGrad),
  };
  const tol = TOLERANCE[spec.tolerance ?? 'balanced'];
  const fail = (what: string) => {
    throw new GradCheckFailure(`${def.name}: ${what} (shapes ${JSON.stringify(c.shapes)}, attrs ${JSON.stringify(c.attrs)})`);
  };
  const xs = makeInputs(p, c);
  const ys = apply(def, xs, c.attrs);
  ys.forEach((y, k) => {
    if (isFloat(y.dtype) && !y.dataSync().every(Number.isFinite)) fail(`output ${k} is not finite`);
  });
  if (!differentiable) {
    if (ys.some((y) => y.requiresGrad)) fail('an op without a VJP produced an output that requires grad');
    return { firstOrder: 0, secondOrder: 0 };
  }
  const src = new PhiloxSource(seed + 1);
  const floatOut = ys.map((y) => isFloat(y.dtype));
  const vs = ys.map((y, k) => Float64Array.from({ length: floatOut[k] ? y.size : 0 }, () => src.normal()));
  const us = xs.map((x, i) => Float64Array.from({ length: p.grad[i] ? x.size : 0 }, () => src.normal()));
  const ws = xs.map((x, i) => Float64Array.from({ length: p.grad[i] ? x.size : 0 }, () => src.normal()));
  const outs = ys.filter((_, k) => floatOut[k]);
  const cot = vs.filter((_, k) => floatOut[k]).map((v, j) => fromArray(v, outs[j]!.shape, 'float64', { backend: 'ref' }));
  const wrt = xs.filter((_, i) => p.grad[i]);
  const gradIdx = xs.map((_, i) => i).filter((i) => p.grad[i]);
  if (!wrt.length || !outs.length) return { firstOrder: 0, secondOrder: 0 };

  // <v, f(x)> for perturbed inputs, in float64.
  const objective = (vals: number[][]) => {
    const y2 = apply(def, makeInputs({ ...p, grad: p.grad.map(() => false) }, c, vals), c.attrs);
    return y2.reduce((acc, y, k) => (floatOut[k] ? acc + dot(y.dataSync(), vs[k]!) : acc), 0);
  };

  const second = spec.secondOrder;
  // With second order on, the cotangents require grad too, so the double-backward w.r.t. them
  // (d<VJP_v, w>/dv = J w) is checked: this is what makes linear ops' second-order check real.
  if (second) for (const t of cot) t.requireGrad();
  const gs = gradients(outs, cot, wrt, { createGraph: second });
  const g = gs.map((t, j) => read(t, wrt[j]!.size));
  let analytic = 0, scale = 0;
  gradIdx.forEach((i, j) => {
    analytic += dot(g[j]!, us[i]!);
    scale += absDot(g[j]!, us[i]!);
  });
  const numeric = (objective(perturbed(p, us, H)) - objective(perturbed(p, us, -H))) / (2 * H);
  let first = relErr(analytic, numeric, scale);
  if (!(first <= tol)) fail(`first-order directional derivative: VJP gives ${analytic}, finite differences give ${numeric} (relative error ${first.toExponential(2)} > ${tol})`);
  first = Math.max(first, fullJacobian(def, p, c, xs, ys, outs, wrt, gradIdx, tol, fail));

  let secondErr = 0;
  if (second) {
    const wT = gradIdx.map((i, j) => fromArray(ws[i]!, wrt[j]!.shape, 'float64', { backend: 'ref' }));
    const diff = gs.map((t, j) => (t && t.requiresGrad ? j : -1)).filter((j) => j >= 0);
    const h2 = diff.length ? gradients(diff.map((j) => gs[j]!), diff.map((j) => wT[j]!), [...wrt, ...cot]) : [...wrt, ...cot].map(() => null);
    let a2 = 0, s2 = 0;
    gradIdx.forEach((i, j) => {
      const hv = read(h2[j], wrt[j]!.size);
      a2 += dot(hv, us[i]!);
      s2 += absDot(hv, us[i]!);
    });
    // s(x) = <VJP_v(x), w>, evaluated with first-order gradients only.
    const sAt = (vals: number[][]) => {
      const x2 = makeInputs(p, c, vals);
      const y2 = apply(def, x2, c.attrs).filter((_, k) => floatOut[k]);
      const g2 = gradients(y2, cot, x2.filter((_, i) => p.grad[i]));
      return gradIdx.reduce((acc, i, j) => acc + dot(read(g2[j], wrt[j]!.size), ws[i]!), 0);
    };
    const n2 = (sAt(perturbed(p, us, H)) - sAt(perturbed(p, us, -H))) / (2 * H);
    secondErr = relErr(a2, n2, s2);
    if (!(secondErr <= tol)) fail(`second-order (grad of grad): analytic ${a2}, finite differences of the gradient ${n2} (relative error ${secondErr.toExponential(2)} > ${tol})`);
    // Double backward w.r.t. the cotangent: <d<VJP_v, w>/dv, v> = <v, J w>, a JVP by finite differences.
    let a3 = 0, s3 = 0;
    cot.forEach((t, k) => {
      const jw = read(h2[wrt.length + k], t.size);
      const v = vs.filter((_, kk) => floatOut[kk])[k]!;
      a3 += dot(jw, v);
      s3 += absDot(jw, v);
    });
    const n3 = (objective(perturbed(p, ws, H)) - objective(perturbed(p, ws, -H))) / (2 * H);
    const e3 = relErr(a3, n3, s3);
    secondErr = Math.max(secondErr, e3);
    if (!(e3 <= tol)) fail(`double backward w.r.t. the upstream gradient: analytic J·w ${a3}, finite differences ${n3} (relative error ${e3.toExponential(2)} > ${tol})`);
  }
  return { firstOrder: first, secondOrder: secondErr };
}

/** Every Jacobian entry, for tiny cases: rows from one-hot cotangents, columns from finite differences. */
function fullJacobian(
  def: AnyOp, p: Prepared, c: CheckCase<unknown>, xs: Tensor[], ys: Tensor[], outs: Tensor[], wrt: Tensor[], gradIdx: number[],
  tol: number, fail: (what: string) => never,
): number {
  const nIn = wrt.reduce((a, t) => a + t.size, 0);
  const nOut = outs.reduce((a, t) => a + t.size, 0);
  if (nIn === 0 || nOut === 0 || nIn > FULL_JACOBIAN_MAX_IN || nOut > FULL_JACOBIAN_MAX_OUT) return 0;
  const floatOut = ys.map((y) => isFloat(y.dtype));
  const flatOut = (vals: number[][]) => {
    const y2 = apply(def, makeInputs({ ...p, grad: p.grad.map(() => false) }, c, vals), c.attrs).filter((_, k) => floatOut[k]);
    return y2.flatMap((y) => Array.from(y.dataSync()));
  };
  // Numeric columns.
  const numeric: number[][] = [];
  gradIdx.forEach((i) => {
    for (let e = 0; e < xs[i]!.size; e++) {
      const bump = (eps: number) => p.values.map((v, k) => (k === i ? v.map((x, j) => (j === e ? x + eps : x)) : v));
      const plus = flatOut(bump(H)), minus = flatOut(bump(-H));
      numeric.push(plus.map((yp, r) => (yp - minus[r]!) / (2 * H)));
    }
  });
  // Analytic rows.
  let worst = 0;
  let row = 0;
  outs.forEach((y, k) => {
    for (let e = 0; e < y.size; e++, row++) {
      const cot = outs.map((o, kk) => {
        const v = new Float64Array(o.size);
        if (kk === k) v[e] = 1;
        return fromArray(v, o.shape, 'float64', { backend: 'ref' });
      });
      const gs = gradients(outs, cot, wrt).map((t, j) => read(t, wrt[j]!.size));
      let col = 0;
      gs.forEach((gj) => {
        for (let q = 0; q < gj.length; q++, col++) {
          const a = gj[q]!, n = numeric[col]![row]!;
          const err = relErr(a, n, 0);
          worst = Math.max(worst, err);
          if (!(err <= tol)) fail(`Jacobian entry d out[${row}] / d in[${col}]: VJP gives ${a}, finite differences give ${n}`);
        }
      });
    }
  });
  return worst;
}

export interface CheckOptions {
  runs?: number;
  seed?: number;
  /** fast-check replay path printed with a failure. */
  path?: string;
}

export function checkOp(def: AnyOp, opts: CheckOptions = {}): OpCheckResult {
  let worst1 = 0, worst2 = 0;
  const seed = opts.seed ?? 42;
  const runs = opts.runs ?? 40;
  const prop = fc.property(def.check.cases, fc.nat({ max: 2 ** 31 - 1 }), (c, vseed) => {
    let r: CaseResult;
    try {
      r = checkCase(def, c, vseed);
    } catch (err) {
      if (err instanceof GradCheckFailure) throw err;
      // Engine errors inside a VJP name the inner op; say which op's check raised them.
      throw new GradCheckFailure(`${def.name}: raised ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} (shapes ${JSON.stringify(c.shapes)}, attrs ${JSON.stringify(c.attrs)})`);
    }
    worst1 = Math.max(worst1, r.firstOrder);
    worst2 = Math.max(worst2, r.secondOrder);
  });
  const details = fc.check(prop, { numRuns: runs, seed, ...(opts.path ? { path: opts.path } : {}) });
  const result: OpCheckResult = {
    op: def.name,
    runs: details.numRuns,
    passed: !details.failed,
    worstFirstOrder: worst1,
    worstSecondOrder: worst2,
    secondOrderChecked: def.check.secondOrder,
    differentiable: !!def.vjp,
  };
  if (details.failed) {
    const err = details.errorInstance;
    result.failure = {
      message: err instanceof Error ? err.message : String(err),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      counterexample: fc.stringify(details.counterexample),
    };
  }
  return result;
}
