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
import { emptyRecord, unavailableRecord, fallbackDiff, measuredRecord, timeSubject, type Subject, type TimingOptions } from './record.js';
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
}

const MiB = 1 << 20;
/** Target duration of one sample (a block of calls), and the limits on input-set rotation. */
const BLOCK_MS = 2;
const MAX_SETS = 64;
const MAX_SET_BYTES = 1024 * MiB;

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

export async function runOpBench(spec: OpBenchSpec, limits: MachineLimits, timing: TimingOptions): Promise<BenchRecord> {
  const def = OPS[spec.op] as AnyOp;
  const base = { key: opKey(spec), kind: 'op' as const, name: spec.op, backend: spec.backend, mode: 'op' as const, shapes: spec.shapes, attrs: spec.attrs ?? {}, dtype: spec.dtype, threads: null as number | null };
  const unavailable = unavailableRecord(base);
  if (unavailable) return unavailable;
  const backend = getBackend(spec.backend);
  const sync = syncMethod(backend);
  base.threads = threadsOf(backend);
  const { metas, outs, flops, bytes } = planOp(spec);
  const values = caseValues(def.check, { shapes: spec.shapes, attrs: spec.attrs }, spec.seed);
  const liveBytesBefore = backend.memory().liveBytes;

  // Validation: the first call on the backend (timed: the first run) against the same call on ref.
  const sets: Tensor[][] = [upload(values, metas, backend)];
  let firstRunMs: number, got: ArrayLike<number>[];
  const fb0 = new Map(fallbackCounts());
  try {
    const t0 = now();
    const y = apply(def, sets[0]!, spec.attrs);
    await syncBackend(backend, y);
    firstRunMs = now() - t0;
    got = await readAll(y);
    y.forEach((t) => t.dispose());
  } catch (err) {
    sets[0]!.forEach((t) => t.dispose());
    const msg = err instanceof Error ? err.message : String(err);
    return emptyRecord(base, 'failed', `error on ${spec.backend}: ${msg}`, { ...ORACLE, status: 'failed', compared: 'outputs', detail: msg }, sync);
  }
  const fallbacks = fallbackDiff(fb0, fallbackCounts());
  let validation = ORACLE;
  if (spec.backend !== 'ref') {
    // Same input values and dtypes on ref, which computes in float64.
    const refIn = upload(values, metas, 'ref');
    const want = apply(def, refIn, spec.attrs);
    const err = Math.max(...want.map((w, i) => normalizedError(got[i]!, w.dataSync())));
    [...refIn, ...want].forEach((t) => t.dispose());
    validation = validationRecord(err, `${outs.length} output${outs.length === 1 ? '' : 's'} against ref (float64) on input set 0`);
  }
  if (validation.status === 'failed') {
    sets[0]!.forEach((t) => t.dispose());
    return emptyRecord(base, 'failed', `validation failed on ${spec.backend}: ${validation.detail}`, validation, sync);
  }

  const setBytes = [...metas, ...outs].reduce((s, m) => s + sizeOf(m.shape) * itemSize(m.dtype), 0);
  const count = inputSetCount(setBytes, roofline(flops, bytes, limitsFor(limits, spec.backend)).bound, limits.cpu.caches.l3Bytes);
  // NOTE: every set holds the same values in its own buffers: rotation is about cache residency.
  for (let k = 1; k < count; k++) sets.push(upload(values, metas, backend));
  let next = 0;
  const call = (): Tensor[] => apply(def, sets[next++ % count]!, spec.attrs);
  const block = (calls: number) => async () => {
    let y: Tensor[] = [];
    for (let c = 0; c < calls; c++) {
      y.forEach((t) => t.dispose());
      y = call();
    }
    await syncBackend(backend, y);
    y.forEach((t) => t.dispose());
  };
  const subject: Subject = {
    iteration: block(1),
    sampler: (per) => {
      const calls = Math.max(1, Math.min(10_000, Math.ceil(BLOCK_MS / Math.max(per, 1e-6))));
      return { round: tinybenchRound(block(calls), calls), callsPerSample: calls, roundMs: 100 };
    },
  };
  try {
    const t = await timeSubject(subject, timing);
    return measuredRecord(base, {
      validation, firstRunMs, timing: t, fallbacks, sync,
      work: { flops, meteredFlops: null, bytes, units: sizeOf(outs[0]!.shape), unit: 'elements' },
      device: { liveBytesBefore, backend }, inputSets: { count, bytes: count * setBytes },
    }, limits);
  } finally {
    sets.flat().forEach((t) => t.dispose());
  }
}
