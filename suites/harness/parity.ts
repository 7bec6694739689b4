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

/** Runs the op (and its VJP on `cot` when given) on one backend; the tensors to read back. */
function run(def: AnyOp, p: Prepared, c: CheckCase<unknown>, backend: string, float: DType, cot: number[][] | null) {
  const xs = inputs(p, c, backend, float);
  const ys = apply(def, xs, c.attrs);
  if (!cot) return { ys, grads: [] as (Tensor | null)[], sizes: [] as number[] };
  const floatOuts = ys.filter((y) => isFloat(y.dtype));
  const dys = floatOuts.map((y, k) => fromArray(float === 'float64' ? Float64Array.from(cot[k]!) : Float32Array.from(cot[k]!), y.shape, float, { backend }));
  const wrt = xs.filter((_, i) => p.grad[i]);
  return { ys, grads: gradients(floatOuts, dys, wrt), sizes: wrt.map((t) => t.size) };
}

type Evaluated = { outs: number[][]; grads: number[][] };
const zerosFor = (n: number) => new Array<number>(n).fill(0);

/** Flat outputs and gradients of one backend, read synchronously (ref, native). */
function evaluate(def: AnyOp, p: Prepared, c: CheckCase<unknown>, backend: string, float: DType, cot: number[][] | null): Evaluated {
  const r = run(def, p, c, backend, float, cot);
  return { outs: r.ys.map((y) => Array.from(y.dataSync())), grads: r.grads.map((g, j) => (g ? Array.from(g.dataSync()) : zerosFor(r.sizes[j]!))) };
}

/** The same, read with `await t.data()` (backends without synchronous reads: webgpu). */
async function evaluateAsync(def: AnyOp, p: Prepared, c: CheckCase<unknown>, backend: string, float: DType, cot: number[][] | null): Promise<Evaluated> {
  const r = run(def, p, c, backend, float, cot);
  const outs = await Promise.all(r.ys.map(async (y) => Array.from(await y.data())));
  const grads = await Promise.all(r.grads.map(async (g, j) => (g ? Array.from(await g.data()) : zerosFor(r.sizes[j]!))));
  return { outs, grads };
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

interface Plan {
  p: Prepared;
  cot: number[][] | null;
  F: number;
  outMetas: TensorMeta[];
  floatOut: boolean[];
  fail: (what: string) => never;
}

/** Everything about a case before any backend runs; null when the case is skipped. */
function planCase(def: AnyOp, backend: string, c: CheckCase<unknown>, seed: number): Plan | null {
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
    if (err instanceof ZooError) return null; // invalid at parity sizes
    throw err;
  }
  const total = [...metas, ...outMetas].reduce((a, m) => a + sizeOf(m.shape), 0);
  if (total > MAX_CASE_ELEMENTS) return null;
  // Accelerated backends compute float32: a float64 output asked for by an attribute (cast,
  // one_hot's dtype) is refused with a DTypeError there by design, so such cases are skipped.
  if (outMetas.some((m) => m.dtype === 'float64')) return null;
  const p = prepare(def, c, seed);
  const src = new PhiloxSource(seed + 1);
  const floatOut = outMetas.map((m) => isFloat(m.dtype));
  const differentiable = !!def.vjp && p.grad.some(Boolean) && floatOut.some(Boolean);
  const cot = differentiable ? outMetas.filter((_, k) => floatOut[k]).map((m) => Array.from({ length: sizeOf(m.shape) }, () => Math.fround(src.normal()))) : null;
  return { p, cot, F: flopsPerOutput(def, metas, outMetas, c.attrs), outMetas, floatOut, fail };
}

/** A ref error must be matched by the same error (class and message) from the backend. */
function sameError(plan: Plan, refErr: unknown, backendErr: unknown): void {
  if (backendErr === undefined) plan.fail(`ref raised ${String(refErr)} but the backend did not`);
  if (!(backendErr instanceof Error && refErr instanceof Error && backendErr.constructor === refErr.constructor && backendErr.message === refErr.message)) {
    plan.fail(`ref raised ${String(refErr)} but the backend raised ${String(backendErr)}`);
  }
}

function compareCase(plan: Plan, y64: Evaluated, y32: Evaluated, yb: Evaluated, stats: CaseStats): void {
  plan.outMetas.forEach((_, k) => {
    const cmp = plan.floatOut[k] ? compareFloat(y64.outs[k]!, y32.outs[k]!, yb.outs[k]!, plan.F) : compareExact(y64.outs[k]!, yb.outs[k]!);
    stats.excluded += cmp.excluded;
    worse(stats.forward, cmp);
    if (cmp.failure) plan.fail(`output ${k}: ${cmp.failure}`);
  });
  y64.grads.forEach((g, j) => {
    const cmp = compareFloat(g, y32.grads[j]!, yb.grads[j]!, plan.F);
    stats.excluded += cmp.excluded;
    worse(stats.backward, cmp);
    if (cmp.failure) plan.fail(`gradient of differentiable input ${j}: ${cmp.failure}`);
  });
}

const describeErr = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** One case; returns false when skipped. Throws ParityFailure naming the op and backend. */
function checkCase(def: AnyOp, backend: string, c: CheckCase<unknown>, seed: number, stats: CaseStats): { compared: boolean; specials: boolean } {
  const plan = planCase(def, backend, c, seed);
  if (!plan) return { compared: false, specials: false };
  const { p, cot } = plan;
  let y64, y32, yb;
  try {
    y64 = evaluate(def, p, c, 'ref', 'float64', cot);
    y32 = evaluate(def, p, c, 'ref', 'float32', cot);
  } catch (err) {
    // A data-dependent error on ref (e.g. an index value): the backend must raise the same one.
    let err2: unknown;
    try {
      evaluate(def, p, c, backend, 'float32', cot);
    } catch (e) {
      err2 = e;
    }
    sameError(plan, err, err2);
    return { compared: true, specials: p.specials };
  }
  try {
    yb = evaluate(def, p, c, backend, 'float32', cot);
  } catch (err) {
    return plan.fail(`the backend raised ${describeErr(err)} where ref did not`);
  }
  compareCase(plan, y64, y32, yb, stats);
  return { compared: true, specials: p.specials };
}

/** checkCase for backends that read asynchronously (the ref runs stay synchronous). */
async function checkCaseAsync(def: AnyOp, backend: string, c: CheckCase<unknown>, seed: number, stats: CaseStats): Promise<{ compared: boolean; specials: boolean }> {
  const plan = planCase(def, backend, c, seed);
  if (!plan) return { compared: false, specials: false };
  const { p, cot } = plan;
  let y64, y32, yb;
  try {
    y64 = evaluate(def, p, c, 'ref', 'float64', cot);
    y32 = evaluate(def, p, c, 'ref', 'float32', cot);
  } catch (err) {
    let err2: unknown;
    try {
      await evaluateAsync(def, p, c, backend, 'float32', cot);
    } catch (e) {
      err2 = e;
    }
    sameError(plan, err, err2);
    return { compared: true, specials: p.specials };
  }
  try {
    yb = await evaluateAsync(def, p, c, backend, 'float32', cot);
  } catch (err) {
    return plan.fail(`the backend raised ${describeErr(err)} where ref did not`);
  }
  let scratch = cloneStats(stats);
  try {
    compareCase(plan, y64, y32, yb, scratch);
  } catch (err) {
    const flushed = FLUSHES_DENORMALS.has(backend) ? flushDenormals(p) : null;
    if (!flushed || !(err instanceof ParityFailure)) throw err;
    scratch = cloneStats(stats);
    compareCase(plan, evaluate(def, flushed, c, 'ref', 'float64', cot), evaluate(def, flushed, c, 'ref', 'float32', cot), yb, scratch);
  }
  Object.assign(stats, scratch);
  return { compared: true, specials: p.specials };
}

/**
 * Backends whose float32 arithmetic may flush denormals to zero, as WGSL allows (SwiftShader's
 * workers set FTZ/DAZ, kernels.md §6.10): a case with denormal inputs also passes when it matches
 * the oracle of the inputs with their denormals flushed to ±0.
 */
const FLUSHES_DENORMALS = new Set(['webgpu']);

function flushDenormals(p: Prepared): Prepared | null {
  let any = false;
  const flush = (x: number) => {
    if (x === 0 || Math.abs(x) >= 2 ** -126) return x;
    any = true;
    return x < 0 ? -0 : 0;
  };
  const values = p.values.map((v, i) => (p.kinds[i] === 'float' ? v.map(flush) : v));
  return any ? { ...p, values } : null;
}

const cloneStats = (s: CaseStats): CaseStats => ({ forward: { ...s.forward }, backward: { ...s.backward }, excluded: s.excluded });

interface Tally {
  stats: CaseStats;
  compared: number;
  skipped: number;
  withSpecials: number;
}

const newTally = (): Tally => ({ stats: { forward: { ratio: 0, error: 0, budget: 0 }, backward: { ratio: 0, error: 0, budget: 0 }, excluded: 0 }, compared: 0, skipped: 0, withSpecials: 0 });

function count(t: Tally, r: { compared: boolean; specials: boolean }): void {
  if (r.compared) t.compared++;
  else t.skipped++;
  if (r.specials) t.withSpecials++;
}

const asFailure = (def: AnyOp, backend: string, c: CheckCase<unknown>, err: unknown): ParityFailure =>
  err instanceof ParityFailure ? err : new ParityFailure(`${def.name} on ${backend}: raised ${describeErr(err)} (shapes ${JSON.stringify(c.shapes)}, attrs ${JSON.stringify(c.attrs)})`);

function resultOf(def: AnyOp, backend: string, t: Tally, details: fc.RunDetails<[CheckCase<unknown>, number]>): OpParityResult {
  const result: OpParityResult = {
    op: def.name,
    backend,
    runs: details.numRuns,
    passed: !details.failed,
    compared: t.compared,
    skipped: t.skipped,
    withSpecials: t.withSpecials,
    excluded: t.stats.excluded,
    forward: t.stats.forward,
    backward: def.vjp ? t.stats.backward : null,
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

const fcParams = (opts: ParityOptions) => ({ numRuns: opts.runs ?? 25, seed: opts.seed ?? 42, ...(opts.path ? { path: opts.path } : {}) });

/**
 * `arb` drawn and shrunk under the parity size profile. NOTE: with an async property fast-check
 * draws between awaits, after withSizeProfile would have returned, so the profile is set around
 * each draw and each step of a shrink stream instead.
 */
class ParityProfiled<T> extends fc.Arbitrary<T> {
  constructor(private readonly arb: fc.Arbitrary<T>) {
    super();
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return withSizeProfile('parity', () => this.arb.generate(mrng, biasFactor));
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.arb.canShrinkWithoutContext(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    const it = withSizeProfile('parity', () => this.arb.shrink(value, context))[Symbol.iterator]();
    const next = (): IteratorResult<fc.Value<T>> => withSizeProfile('parity', () => it.next());
    const iter: IterableIterator<fc.Value<T>> = { next, [Symbol.iterator]: () => iter };
    return new fc.Stream(iter);
  }
}

export function checkParity(def: AnyOp, backend: string, opts: ParityOptions = {}): OpParityResult {
  const t = newTally();
  const prop = fc.property(def.check.cases, fc.nat({ max: 2 ** 31 - 1 }), (c, vseed) => {
    try {
      count(t, checkCase(def, backend, c, vseed, t.stats));
    } catch (err) {
      throw asFailure(def, backend, c, err);
    }
  });
  return resultOf(def, backend, t, withSizeProfile('parity', () => fc.check(prop, fcParams(opts))));
}

/** checkParity for any backend, reading results with `await t.data()` (required for webgpu). */
export async function checkParityAsync(def: AnyOp, backend: string, opts: ParityOptions = {}): Promise<OpParityResult> {
  const t = newTally();
  const prop = fc.asyncProperty(new ParityProfiled(def.check.cases), fc.nat({ max: 2 ** 31 - 1 }), async (c, vseed) => {
    try {
      count(t, await checkCaseAsync(def, backend, c, vseed, t.stats));
    } catch (err) {
      throw asFailure(def, backend, c, err);
    }
  });
  return resultOf(def, backend, t, await fc.check(prop, fcParams(opts)));
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
