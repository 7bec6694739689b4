// Gradient checks for whole modules (layers unrolled through time, attention blocks): the
// registry's directional method (suites/harness/gradcheck.ts) applied to a function of leaves.
// For a random cotangent v of the outputs and a random direction u per leaf, in float64:
//   analytic = <grad of <v, f>, u>  (one backward pass)
//   numeric  = (<v, f(x + h u)> - <v, f(x - h u)>) / 2h
// checked per leaf (so a failure names the parameter) and for all leaves at once. The leaves are
// perturbed in place with Tensor.assign and restored afterwards.
import { fromArray, gradients, noGrad, type Tensor } from '../../engine/index.js';
import { PhiloxSource } from './values.js';
import { dot, absDot } from './gradcheck.js';

const H = 1e-6;

export interface ModuleCheckOptions {
  /** Seed of the cotangent and the directions (default 7). */
  seed?: number;
  /** Largest accepted relative error (default 1e-6; float64 central differences reach ~1e-9). */
  tol?: number;
}

export interface LeafCheck {
  name: string;
  analytic: number;
  numeric: number;
  relErr: number;
}

export interface ModuleCheckResult {
  passed: boolean;
  /** One entry per leaf, then one named '*' for all leaves perturbed together. */
  leaves: LeafCheck[];
  worst: number;
}


/**
 * Checks the gradients of `fn` (a function of the given leaves, e.g. a module forward) w.r.t. every
 * parameter and input. Leaves must be float64; `fn` must be deterministic (eval mode, no dropout).
 */
export function checkModuleGradients(
  fn: () => Tensor | readonly Tensor[],
  params: Readonly<Record<string, Tensor>>,
  inputs: Readonly<Record<string, Tensor>> = {},
  opts: ModuleCheckOptions = {},
): ModuleCheckResult {
  const tol = opts.tol ?? 1e-6;
  const leaves = Object.entries({ ...params, ...inputs });
  for (const [name, t] of leaves) {
    if (t.dtype !== 'float64') throw new Error(`checkModuleGradients: leaf ${name} is ${t.dtype}; the check needs float64`);
    t.requireGrad();
  }
  const src = new PhiloxSource(opts.seed ?? 7);
  const base = leaves.map(([, t]) => Float64Array.from(t.dataSync()));
  const outs = [fn()].flat() as Tensor[];
  const vs = outs.map((o) => Float64Array.from({ length: o.size }, () => src.normal()));
  const us = leaves.map(([, t]) => Float64Array.from({ length: t.size }, () => src.normal()));
  const cot = outs.map((o, k) => fromArray(vs[k]!, o.shape, 'float64', { backend: o.backend }));
  const gs = gradients(outs, cot, leaves.map(([, t]) => t)).map((g, i) => (g ? Float64Array.from(g.dataSync()) : new Float64Array(base[i]!.length)));

  const setAll = (which: number[], eps: number) => {
    for (const i of which) {
      const [, t] = leaves[i]!;
      t.assign(fromArray(base[i]!.map((x, j) => x + eps * us[i]![j]!), t.shape, 'float64', { backend: t.backend }));
    }
  };
  const objective = (which: number[], eps: number) => {
    setAll(which, eps);
    const ys = noGrad(() => [fn()].flat() as Tensor[]);
    return ys.reduce((acc, y, k) => acc + dot(y.dataSync(), vs[k]!), 0);
  };
  const checkSet = (name: string, which: number[]): LeafCheck => {
    const analytic = which.reduce((a, i) => a + dot(gs[i]!, us[i]!), 0);
    const scale = which.reduce((a, i) => a + absDot(gs[i]!, us[i]!), 0);
    const numeric = (objective(which, H) - objective(which, -H)) / (2 * H);
    setAll(which, 0);
    const relErr = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), scale, 1e-2);
    return { name, analytic, numeric, relErr };
  };
  const results = leaves.map(([name], i) => checkSet(name, [i]));
  results.push(checkSet('*', leaves.map((_, i) => i)));
  const worst = Math.max(...results.map((r) => r.relErr));
  return { passed: results.every((r) => r.relErr <= tol), leaves: results, worst };
}
