// Registry-driven parity of accelerated backends (native now, webgpu later: the same code) against
// the float64 oracle. For every op with a kernel on the backend, fast-check draws cases from the
// op's own `check.cases` under the 'parity' size profile (dims 1, 3, 7, 17, 33, 129), values from
// its domains plus special values (special.ts), and compares
//   forward: every output of the backend (float32) with ref in float64 and ref in float32;
//   backward: the gradients of <v, f(x)> computed by running the op's VJP graph on each of them;
// under the derived tolerance of tolerance.ts. Failures shrink and print a replayable seed/path.
import fc from 'fast-check';
import { withSizeProfile } from '../../engine/arb.js';
import type { TensorMeta } from '../../engine/backend.js';
import type { CheckCase } from '../../engine/check.js';
import {
  ZooError, apply, backendNames, backendStatus, fromArray, gradients, isFloat, requiredBackends,
  type AnyOp, type DType, type Tensor,
} from '../../engine/index.js';
import { sizeOf } from '../../engine/shape.js';
import { injectSpecials, specialsFor } from './special.js';
import { compareExact, compareFloat, type Comparison } from './tolerance.js';
import { PhiloxSource, caseValues, specFor } from './values.js';

/** Cases bigger than this (elements over all inputs and outputs) are skipped, not failed. */
const MAX_CASE_ELEMENTS = 1 << 17;

export class ParityFailure extends Error {}

export interface ParityStat {
  /** Worst error / budget seen (<= 1 passes), with the error and budget at that element. */
  ratio: number;
  error: number;
  budget: number;
}

export interface OpParityResult {
  op: string;
  backend: string;
  runs: number;
  passed: boolean;
  /** Cases compared; cases skipped because the parity sizes made them invalid or too large. */
  compared: number;
  skipped: number;
  /** Cases that carried special values (zeros, denormals, large, infinities). */
  withSpecials: number;
  /** Elements left out because the float32 reference is NaN there. */
  excluded: number;
  forward: ParityStat;
  backward: ParityStat | null;
  failure?: { message: string; seed: number; path: string; counterexample: string };
}

export interface ParityOptions {
  runs?: number;
  seed?: number;
  path?: string;
}

interface Prepared {
  values: number[][];
  kinds: string[];
  grad: boolean[];
  specials: boolean;
}

function prepare(def: AnyOp, c: CheckCase<unknown>, seed: number): Prepared {
  const spec = def.check;
  const kinds = c.shapes.map((_, i) => specFor(spec, i).kind);
  const values = caseValues(spec, c, seed);
  const custom = spec.values?.(c, new PhiloxSource(seed)) ?? [];
  const src = new PhiloxSource(seed + 7);
  let specials = false;
  if (src.int(0, 3) === 0) {
    kinds.forEach((k, i) => {
      const d = specFor(spec, i).domain;
      if (k === 'float' && !custom[i] && d) specials = injectSpecials(values[i]!, specialsFor(d), src) > 0 || specials;
    });
  }
  const floats = values.map((v, i) => (kinds[i] === 'float' ? v.map(Math.fround) : v));
  const grad = kinds.map((k, i) => !!def.vjp && k === 'float' && !specFor(spec, i).noGrad);
  return { values: floats, kinds, grad, specials };
}

function inputs(p: Prepared, c: CheckCase<unknown>, backend: string, float: DType): Tensor[] {
  return c.shapes.map((shape, i) => {
    const k = p.kinds[i]!, v = p.values[i]!;
    const dtype: DType = k === 'float' ? float : k === 'int32' ? 'int32' : 'bool';
    const arr = dtype === 'float64' ? Float64Array.from(v) : dtype === 'float32' ? Float32Array.from(v) : dtype === 'int32' ? Int32Array.from(v) : Uint8Array.from(v.map((x) => (x ? 1 : 0)));
    const t = fromArray(arr, shape, dtype, { backend });
    if (p.grad[i]) t.requireGrad();
    return t;
  });
}

/** Runs the op (and its VJP on `cot` when given) on one backend; returns flat outputs and gradients. */
function evaluate(def: AnyOp, p: Prepared, c: CheckCase<unknown>, backend: string, float: DType, cot: number[][] | null) {
  const xs = inputs(p, c, backend, float);
  const ys = apply(def, xs, c.attrs);
  const outs = ys.map((y) => Array.from(y.dataSync()));
  if (!cot) return { outs, grads: [] as number[][] };
  const floatOuts = ys.filter((y) => isFloat(y.dtype));
  const dys = floatOuts.map((y, k) => fromArray(float === 'float64' ? Float64Array.from(cot[k]!) : Float32Array.from(cot[k]!), y.shape, float, { backend }));
  const wrt = xs.filter((_, i) => p.grad[i]);
  const gs = gradients(floatOuts, dys, wrt);
  return { outs, grads: gs.map((g, j) => (g ? Array.from(g.dataSync()) : new Array<number>(wrt[j]!.size).fill(0))) };
}

/** F of the tolerance: the op's FLOPs per output element (at least 1). */
function flopsPerOutput(def: AnyOp, metas: TensorMeta[], outs: TensorMeta[], attrs: unknown): number {
  try {
    const n = outs.reduce((a, m) => a + sizeOf(m.shape), 0);
    return Math.max(1, def.cost(metas, outs, attrs).flops / Math.max(n, 1));
  } catch {
    return 1;
  }
}

interface CaseStats {
  forward: ParityStat;
  backward: ParityStat;
  excluded: number;
}

const worse = (s: ParityStat, cmp: Comparison) => {
  if (cmp.ratio > s.ratio) Object.assign(s, { ratio: cmp.ratio, error: cmp.error, budget: cmp.budget });
};

/** One case; returns false when skipped. Throws ParityFailure naming the op and backend. */
function checkCase(def: AnyOp, backend: string, c: CheckCase<unknown>, seed: number, stats: CaseStats): { compared: boolean; specials: boolean } {
  const where = `${def.name} on ${backend}`;
  const fail = (what: string): never => {
    throw new ParityFailure(`${where}: ${what} (shapes ${JSON.stringify(c.shapes)}, attrs ${JSON.stringify(c.attrs)})`);
  };
  const kinds = c.shapes.map((_, i) => specFor(def.check, i).kind);
  const metas = c.shapes.map((shape, i): TensorMeta => ({ shape, dtype: kinds[i] === 'float' ? 'float32' : kinds[i] === 'int32' ? 'int32' : 'bool' }));
  let outMetas: TensorMeta[];
  try {
    outMetas = def.infer(metas, c.attrs);
  } catch (err) {
    if (err instanceof ZooError) return { compared: false, specials: false }; // invalid at parity sizes
    throw err;
  }
  const total = [...metas, ...outMetas].reduce((a, m) => a + sizeOf(m.shape), 0);
  if (total > MAX_CASE_ELEMENTS) return { compared: false, specials: false };
  // Accelerated backends compute float32: a float64 output asked for by an attribute (cast,
  // one_hot's dtype) is refused with a DTypeError there by design, so such cases are skipped.
  if (outMetas.some((m) => m.dtype === 'float64')) return { compared: false, specials: false };
  const p = prepare(def, c, seed);
  const src = new PhiloxSource(seed + 1);
  const floatOut = outMetas.map((m) => isFloat(m.dtype));
  const differentiable = !!def.vjp && p.grad.some(Boolean) && floatOut.some(Boolean);
  const cot = differentiable ? outMetas.filter((_, k) => floatOut[k]).map((m) => Array.from({ length: sizeOf(m.shape) }, () => Math.fround(src.normal()))) : null;
  const F = flopsPerOutput(def, metas, outMetas, c.attrs);

  let y64, y32, yb;
  try {
    y64 = evaluate(def, p, c, 'ref', 'float64', cot);
    y32 = evaluate(def, p, c, 'ref', 'float32', cot);
  } catch (err) {
    // A data-dependent error on ref (e.g. an index value): the backend must raise the same one.
    try {
      evaluate(def, p, c, backend, 'float32', cot);
    } catch (err2) {
      if (err2 instanceof Error && err instanceof Error && err2.constructor === err.constructor && err2.message === err.message) return { compared: true, specials: p.specials };
      fail(`ref raised ${String(err)} but the backend raised ${String(err2)}`);
    }
    return fail(`ref raised ${String(err)} but the backend did not`);
  }
  try {
    yb = evaluate(def, p, c, backend, 'float32', cot);
  } catch (err) {
    return fail(`the backend raised ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} where ref did not`);
  }
  outMetas.forEach((m, k) => {
    const cmp = floatOut[k] ? compareFloat(y64.outs[k]!, y32.outs[k]!, yb.outs[k]!, F) : compareExact(y64.outs[k]!, yb.outs[k]!);
    stats.excluded += cmp.excluded;
    worse(stats.forward, cmp);
    if (cmp.failure) fail(`output ${k}: ${cmp.failure}`);
  });
  y64.grads.forEach((g, j) => {
    const cmp = compareFloat(g, y32.grads[j]!, yb.grads[j]!, F);
    stats.excluded += cmp.excluded;
    worse(stats.backward, cmp);
    if (cmp.failure) fail(`gradient of differentiable input ${j}: ${cmp.failure}`);
  });
  return { compared: true, specials: p.specials };
}

export function checkParity(def: AnyOp, backend: string, opts: ParityOptions = {}): OpParityResult {
  const stats: CaseStats = { forward: { ratio: 0, error: 0, budget: 0 }, backward: { ratio: 0, error: 0, budget: 0 }, excluded: 0 };
  let compared = 0, skipped = 0, withSpecials = 0;
  const prop = fc.property(def.check.cases, fc.nat({ max: 2 ** 31 - 1 }), (c, vseed) => {
    let r;
    try {
      r = checkCase(def, backend, c, vseed, stats);
    } catch (err) {
      if (err instanceof ParityFailure) throw err;
      throw new ParityFailure(`${def.name} on ${backend}: raised ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} (shapes ${JSON.stringify(c.shapes)}, attrs ${JSON.stringify(c.attrs)})`);
    }
    if (r.compared) compared++;
    else skipped++;
    if (r.specials) withSpecials++;
  });
  const details = withSizeProfile('parity', () =>
    fc.check(prop, { numRuns: opts.runs ?? 25, seed: opts.seed ?? 42, ...(opts.path ? { path: opts.path } : {}) }),
  );
  const result: OpParityResult = {
    op: def.name,
    backend,
    runs: details.numRuns,
    passed: !details.failed,
    compared,
    skipped,
    withSpecials,
    excluded: stats.excluded,
    forward: stats.forward,
    backward: def.vjp ? stats.backward : null,
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

export interface AcceleratedBackend {
  name: string;
  available: boolean;
  reason?: string;
  /** Listed in ZOO_REQUIRE: unavailability is a failure, not a skip. */
  required: boolean;
}

/** Every registered backend except ref, with its status. */
export function acceleratedBackends(env: NodeJS.ProcessEnv = process.env): AcceleratedBackend[] {
  const required = requiredBackends(env);
  return backendNames()
    .filter((n) => n !== 'ref')
    .map((n) => {
      const s = backendStatus(n);
      return { name: n, available: s.available, ...(s.reason ? { reason: s.reason } : {}), required: required.includes(n) };
    });
}
