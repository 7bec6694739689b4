// Gradient check of any function of tensors (not only registered ops): losses, modules, blocks.
// On ref in float64, for random directions u (one per input) and a random cotangent v,
//  1. first order: <v, J u> from autodiff equals the central difference of <v, f(x + h u)>;
//  2. second order (optional): the gradient of <grad_x <v, f>, w> along u equals the central
//     difference of grad_x <v, f> · w, i.e. the Hessian-vector product is checked.
// The relative-error rule is the one of suites/harness/gradcheck.ts.
import { fromArray, gradients, isFloat, type Tensor } from '../../engine/index.js';
import { TOLERANCE } from './gradcheck.js';
import { PhiloxSource } from './values.js';
import { dot, absDot, relErr } from './gradcheck.js';

export interface FunctionCheckOptions {
  /** Indices of the inputs to differentiate (default: every float input). */
  wrt?: readonly number[];
  /** Also check second derivatives (default true). */
  secondOrder?: boolean;
  /** Relative tolerance (default: the harness's 'balanced', 1e-5). */
  tol?: number;
  /** Finite-difference step (default 1e-6). */
  h?: number;
  /** Seed of the random directions and cotangent (default 0). */
  seed?: number;
  /** Number of independent directions to check (default 2). */
  directions?: number;
  /** float64 ref leaves that f closes over (module parameters), also differentiated. */
  params?: readonly Tensor[];
}

export interface FunctionCheckResult {
  firstOrder: number;
  secondOrder: number;
}

export class FunctionGradientFailure extends Error {}


type Fn = (...xs: Tensor[]) => Tensor;

/** One differentiated tensor: a recreated input, or a parameter f closes over (updated with assign). */
interface Slot {
  base: Float64Array;
  shape: readonly number[];
}

/**
 * Checks f's first (and second) derivatives along random directions w.r.t. `inputs[wrt]` and the
 * float64 leaves in `opts.params` (e.g. a module's parameters, perturbed in place with assign);
 * throws FunctionGradientFailure naming `label` on a mismatch. Float inputs are re-created as
 * float64 on ref; parameters must already be float64 on ref.
 */
export function checkFunctionGradient(label: string, f: Fn, inputs: readonly Tensor[], opts: FunctionCheckOptions = {}): FunctionCheckResult {
  const wrt = opts.wrt ?? inputs.map((x, i) => (isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const params = opts.params ?? [];
  const tol = opts.tol ?? TOLERANCE.balanced, h = opts.h ?? 1e-6;
  const slots: Slot[] = [...wrt.map((i) => inputs[i]!), ...params].map((t) => ({ base: Float64Array.from(t.dataSync()), shape: t.shape }));
  const src = new PhiloxSource(opts.seed ?? 0);
  const rnd = (n: number) => Float64Array.from({ length: n }, () => src.normal());
  const f64 = (vals: Float64Array, shape: readonly number[]) => fromArray(vals, shape, 'float64', { backend: 'ref' });
  /** Runs f at base + eps·dir; returns its output and the differentiated tensors. */
  const run = (dirs: Float64Array[] | null, eps: number, grad: boolean) => {
    const vals = slots.map((s, k) => (dirs ? s.base.map((b, j) => b + eps * dirs[k]![j]!) : s.base));
    const xs = inputs.map((x) => x);
    wrt.forEach((i, k) => {
      const t = f64(vals[k]!, slots[k]!.shape);
      xs[i] = grad ? t.requireGrad() : t;
    });
    params.forEach((p, k) => p.assign(f64(vals[wrt.length + k]!, p.shape)));
    return { y: f(...xs), diff: [...wrt.map((i) => xs[i]!), ...params] };
  };
  try {
    return directionalChecks(label, run, slots, rnd, { ...opts, tol, h });
  } finally {
    params.forEach((p, k) => p.assign(f64(slots[wrt.length + k]!.base, p.shape)));
  }
}

type Runner = (dirs: Float64Array[] | null, eps: number, grad: boolean) => { y: Tensor; diff: Tensor[] };

function directionalChecks(label: string, run: Runner, slots: Slot[], rnd: (n: number) => Float64Array, o: FunctionCheckOptions & { tol: number; h: number }): FunctionCheckResult {
  const { tol, h } = o;
  const fail = (msg: string) => new FunctionGradientFailure(`${label}: ${msg}`);
  const y0 = run(null, 0, false).y;
  if (!y0.dataSync().every(Number.isFinite)) throw fail('output is not finite');
  const v = rnd(y0.size);
  const objective = (dirs: Float64Array[], eps: number) => dot(run(dirs, eps, false).y.dataSync(), v);
  const read = (t: Tensor | null, n: number) => (t ? Float64Array.from(t.dataSync()) : new Float64Array(n));
  /** grad <v, f> at base + eps·dirs, recorded for double backward when `createGraph`. */
  const gradAt = (dirs: Float64Array[], eps: number, createGraph: boolean) => {
    const { y, diff } = run(dirs, eps, true);
    const cot = fromArray(Float64Array.from(v), y.shape, 'float64', { backend: 'ref' });
    return { diff, gs: gradients([y], [cot], diff, { createGraph }) };
  };
  const pair = (a: Float64Array[], b: Float64Array[]) => [a.reduce((acc, x, k) => acc + dot(x, b[k]!), 0), a.reduce((acc, x, k) => acc + absDot(x, b[k]!), 0)] as const;
  let worst1 = 0, worst2 = 0;
  const second = o.secondOrder ?? true;
  for (let d = 0; d < (o.directions ?? 2); d++) {
    const u = slots.map((s) => rnd(s.base.length));
    const w = slots.map((s) => rnd(s.base.length));
    const { diff, gs } = gradAt(u, 0, second);
    const [analytic, scale] = pair(gs.map((t, k) => read(t, slots[k]!.base.length)), u);
    const numeric = (objective(u, h) - objective(u, -h)) / (2 * h);
    const e1 = relErr(analytic, numeric, scale);
    if (!(e1 <= tol)) throw fail(`first-order directional derivative: autodiff ${analytic}, finite differences ${numeric} (relative error ${e1.toExponential(2)} > ${tol})`);
    worst1 = Math.max(worst1, e1);
    if (!second) continue;
    // Hessian-vector product: d/dx <g(x), w> along u, against finite differences of <g, w>.
    const live = gs.map((t, k) => (t && t.requiresGrad ? k : -1)).filter((k) => k >= 0);
    const wT = slots.map((s, k) => fromArray(w[k]!, s.shape, 'float64', { backend: 'ref' }));
    const hv = live.length ? gradients(live.map((k) => gs[k]!), live.map((k) => wT[k]!), diff) : diff.map(() => null);
    const [a2, s2] = pair(hv.map((t, k) => read(t, slots[k]!.base.length)), u);
    const gw = (eps: number) => gradAt(u, eps, false).gs.reduce((acc, t, k) => acc + (t ? dot(t.dataSync(), w[k]!) : 0), 0);
    const n2 = (gw(h) - gw(-h)) / (2 * h);
    const e2 = relErr(a2, n2, s2);
    if (!(e2 <= tol)) throw fail(`second-order (Hessian-vector product): autodiff ${a2}, finite differences ${n2} (relative error ${e2.toExponential(2)} > ${tol})`);
    worst2 = Math.max(worst2, e2);
  }
  return { firstOrder: worst1, secondOrder: worst2 };
}
