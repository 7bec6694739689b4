// Single-kernel benchmarks (`zoo bench --op`): one op on given input shapes and attributes. Inputs
// come from the op's declared value domain (the same generator as the gradient checks). The first
// call validates the output against ref and is the first-run time; then the op is timed in blocks
// of calls through tinybench, rotating among several input sets whose total exceeds twice the L3
// cache when the roofline says memory bound, so cache-resident repeats do not flatter the kernel.
import {
  OPS, apply, fallbackCounts, fromArray, getBackend, type AnyOp, type Backend, type DType, type OpName, type Tensor, type TensorMeta,
} from '../../../engine/index.js';
import { convertArray, itemSize } from '../../../engine/dtype.js';
import { sizeOf } from '../../../engine/shape.js';
import type { BenchRecord, MachineLimits } from '../../../reports/schema.js';
import { caseValues, specFor } from '../values.js';
import { syncBackend, syncMethod, threadsOf } from './hooks.js';
import { limitsFor, roofline } from './limits.js';
import { emptyRecord, gpuOf, settleMemory, unavailableRecord, fallbackDiff, measuredRecord, timeSubject, type Subject, type TimingOptions } from './record.js';
import { now, tinybenchRound } from './sampling.js';
import { ORACLE, normalizedError, validationRecord } from './validate.js';

export interface OpBenchSpec {
  op: OpName;
  shapes: number[][];
  attrs: unknown;
  /** dtype of the float inputs (index and mask inputs keep int32/bool). */
  dtype: DType;
  backend: string;
  seed: number;
  /** Time one input set over and over (data in cache) instead of rotating sets past the L3. */
  inCache?: boolean;
}

const MiB = 1 << 20;
/** Target duration of one sample (a block of calls), and the limits on input-set rotation. */
const BLOCK_MS = 2;
const MAX_SETS = 64;
const MAX_SET_BYTES = 1024 * MiB;
/** Compute passes one op call may record with GPU timestamps (decompositions run several). */
const OP_PASSES = 64;

export const opKey = (s: Pick<OpBenchSpec, 'op' | 'shapes' | 'attrs' | 'dtype' | 'backend'>): string =>
  `op:${s.op}|${s.shapes.map((d) => d.join('x') || '()').join(',')}|${JSON.stringify(s.attrs ?? {})}|${s.dtype}|${s.backend}`;

/** Input metas: float inputs in `dtype`, int32/bool inputs as declared by the op's check spec. */
function inputMetas(def: AnyOp, spec: OpBenchSpec): TensorMeta[] {
  return spec.shapes.map((shape, i) => {
    const kind = specFor(def.check, i).kind;
    return { shape, dtype: kind === 'float' ? spec.dtype : kind };
  });
}

/** Shape and dtype inference plus cost: throws the op's typed error for bad shapes or attributes. */
export function planOp(spec: OpBenchSpec): { metas: TensorMeta[]; outs: TensorMeta[]; flops: number; bytes: number } {
  const def = OPS[spec.op] as AnyOp;
  const metas = inputMetas(def, spec);
  const outs = def.infer(metas, spec.attrs);
  const { flops, bytes } = def.cost(metas, outs, spec.attrs);
  return { metas, outs, flops, bytes };
}

function upload(values: number[][], metas: TensorMeta[], backend: Backend | string): Tensor[] {
  return metas.map((m, i) => fromArray(convertArray(values[i]!, m.dtype), m.shape, m.dtype, { backend }));
}

/** Input sets to rotate: enough to exceed 2 × L3 for memory-bound (or unknown) kernels, else 2. */
export function inputSetCount(setBytes: number, bound: 'compute' | 'memory' | 'unknown', l3Bytes: number | null): number {
  if (bound === 'compute' || setBytes <= 0) return 2;
  const want = Math.ceil((2 * (l3Bytes ?? 32 * MiB)) / setBytes);
  return Math.max(2, Math.min(MAX_SETS, want, Math.floor(MAX_SET_BYTES / setBytes)));
}

async function readAll(ts: readonly Tensor[]): Promise<ArrayLike<number>[]> {
  const out: ArrayLike<number>[] = [];
  for (const t of ts) out.push(await t.data());
  return out;
}

type Base = Parameters<typeof emptyRecord>[0];

/** The first call on the backend (timed: the first run) and its validation against the same call on ref. */
async function firstCall(spec: OpBenchSpec, def: AnyOp, inputs: Tensor[], values: number[][], metas: TensorMeta[], backend: Backend) {
  const fb0 = new Map(fallbackCounts());
  const t0 = now();
  const y = apply(def, inputs, spec.attrs);
  await syncBackend(backend, y);
  const firstRunMs = now() - t0;
  const got = await readAll(y);
  y.forEach((t) => t.dispose());
  const fallbacks = fallbackDiff(fb0, fallbackCounts());
  if (spec.backend === 'ref') return { firstRunMs, fallbacks, validation: ORACLE };
  // Same input values and dtypes on ref, which computes in float64.
  const refIn = upload(values, metas, 'ref');
  const want = apply(def, refIn, spec.attrs);
  const err = Math.max(...want.map((w, i) => normalizedError(got[i]!, w.dataSync())));
  [...refIn, ...want].forEach((t) => t.dispose());
  const validation = validationRecord(err, `${want.length} output${want.length === 1 ? '' : 's'} against ref (float64) on input set 0`);
  return { firstRunMs, fallbacks, validation };
}

/** Blocks of `calls` calls rotating through the input sets, synchronized once at the end. */
function blockOf(def: AnyOp, spec: OpBenchSpec, sets: Tensor[][], backend: Backend) {
  let next = 0;
  return (calls: number) => async () => {
    let y: Tensor[] = [];
    for (let c = 0; c < calls; c++) {
      y.forEach((t) => t.dispose());
      y = apply(def, sets[next++ % sets.length]!, spec.attrs);
    }
    await syncBackend(backend, y);
    y.forEach((t) => t.dispose());
  };
}

export async function runOpBench(spec: OpBenchSpec, limits: MachineLimits, timing: TimingOptions): Promise<BenchRecord> {
  const def = OPS[spec.op] as AnyOp;
  const base: Base = { key: opKey(spec), kind: 'op', name: spec.op, backend: spec.backend, mode: 'op', shapes: spec.shapes, attrs: spec.attrs ?? {}, dtype: spec.dtype, threads: null };
  const unavailable = unavailableRecord(base);
  if (unavailable) return unavailable;
  const backend = getBackend(spec.backend);
  const sync = syncMethod(backend);
  base.threads = threadsOf(backend);
  const { metas, outs, flops, bytes } = planOp(spec);
  const values = caseValues(def.check, { shapes: spec.shapes, attrs: spec.attrs }, spec.seed);
  const liveBytesBefore = backend.memory().liveBytes;
  const sets: Tensor[][] = [];
  let rec: BenchRecord;
  try {
    sets.push(upload(values, metas, backend));
    const first = await firstCall(spec, def, sets[0]!, values, metas, backend);
    const { validation } = first;
    if (validation.status === 'failed') return emptyRecord(base, 'failed', `validation failed on ${spec.backend}: ${validation.detail}`, validation, sync);
    const setBytes = [...metas, ...outs].reduce((s, m) => s + sizeOf(m.shape) * itemSize(m.dtype), 0);
    const count = spec.inCache ? 1 : inputSetCount(setBytes, roofline(flops, bytes, limitsFor(limits, spec.backend)).bound, limits.cpu.caches.l3Bytes);
    // NOTE: every set holds the same values in its own buffers: rotation is about cache residency.
    for (let k = 1; k < count; k++) sets.push(upload(values, metas, backend));
    const block = blockOf(def, spec, sets, backend);
    const subject: Subject = {
      iteration: block(1),
      sampler: (per) => {
        const calls = Math.max(1, Math.min(10_000, Math.ceil(BLOCK_MS / Math.max(per, 1e-6))));
        return { round: tinybenchRound(block(calls), calls), callsPerSample: calls, roundMs: 100, block: block(calls) };
      },
      ...gpuOf(backend, OP_PASSES),
    };
    const t = await timeSubject(subject, timing);
    rec = measuredRecord(base, {
      validation, firstRunMs: first.firstRunMs, timing: t, fallbacks: first.fallbacks, sync,
      work: { flops, meteredFlops: null, bytes, units: sizeOf(outs[0]!.shape), unit: 'elements' },
      device: { liveBytesBefore, backend }, inputSets: { count, bytes: count * setBytes },
      ...(spec.inCache ? { inCache: true, note: '--in-cache: one input set; % bw is of the in-cache (L2-resident triad) bound' } : {}),
    }, limits);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    rec = emptyRecord(base, 'failed', `error on ${spec.backend}: ${msg}`, { ...ORACLE, status: 'failed', compared: 'outputs', detail: msg }, sync);
  } finally {
    sets.flat().forEach((t) => t.dispose());
  }
  return settleMemory(rec, backend);
}
