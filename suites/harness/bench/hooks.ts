// Optional backend capabilities the benchmarks use when a backend offers them, found by looking
// (never assumed): the native thread pool (setThreads/info), native peak probes (fmaPeak, triad),
// an explicit device synchronization (sync), GPU timestamps, and self-descriptions (adapter info).
// A capability that is absent is reported as absent.
import type { Backend, Tensor } from '../../../engine/index.js';
import { addon } from '../../../kernels/native/addon.js';

/** The native addon's exports the benchmarks use (native/src/kernels.def); the probes are optional. */
export interface NativeAddon {
  info(): { isa: string; threads: number; cpuAvx2: boolean };
  setThreads(n: number): number;
  /** Register-only FMA loop on `threads` threads for about `ms` milliseconds; returns FLOP/s. */
  fmaPeak?: (threads: number, ms: number) => number;
  /** Multi-threaded STREAM triad a = b + s c over Float32Arrays (timed here). */
  triad?: (a: Float32Array, b: Float32Array, c: Float32Array, s: number) => void;
}

type Loose = Record<string, unknown>;
const fn = (o: unknown, name: string): ((...a: unknown[]) => unknown) | null => {
  const v = o !== null && typeof o === 'object' ? (o as Loose)[name] : undefined;
  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(o) : null;
};

/** The addon the native backend loaded (kernels/native/addon.ts), or null for any other backend. */
export function nativeAddon(backend: Backend): NativeAddon | null {
  if (backend.name !== 'native') return null;
  try {
    return addon() as unknown as NativeAddon;
  } catch {
    return null;
  }
}

/** Threads the backend computes with: 1 for single-threaded CPU backends, null when unknown. */
export function threadsOf(backend: Backend): number | null {
  const own = (backend as unknown as Loose)['threads'];
  if (typeof own === 'number') return own;
  const f = fn(backend, 'threads');
  if (f) return Number(f());
  const info = nativeAddon(backend)?.info?.();
  if (info && typeof info.threads === 'number') return info.threads;
  return backend.name === 'ref' ? 1 : null;
}

/** Sets the native pool size; returns the threads in use, or an explanation when not possible. */
export function setThreads(backend: Backend, n: number): number | string {
  const own = fn(backend, 'setThreads');
  if (own) return Number(own(n));
  const addon = nativeAddon(backend);
  if (addon?.setThreads) return addon.setThreads(n);
  return backend.name === 'native' ? 'the native addon does not export setThreads' : `backend '${backend.name}' has no thread pool`;
}

/** What the backend says about itself: its one-line description, native ISA and threads, the GPU adapter. */
export function backendDetails(backend: Backend): Record<string, unknown> {
  const out: Record<string, unknown> = { syncRead: backend.syncRead };
  const describe = fn(backend, 'describe');
  if (describe) out['describe'] = describe();
  const info = nativeAddon(backend)?.info();
  if (info) out['native'] = { isa: info.isa, threads: info.threads, cpuAvx2: info.cpuAvx2 };
  const adapter = ((backend as unknown as Loose)['gpu'] as Loose | undefined)?.['info'];
  if (adapter && typeof adapter === 'object') out['adapter'] = JSON.parse(JSON.stringify(adapter));
  return out;
}

/** How one iteration's completion is awaited on `backend`; recorded with every benchmark. */
export function syncMethod(backend: Backend): { method: string; timestamps: string | null } {
  const timestamps = gpuTimer(backend) ? 'GPU timestamps available (timestamp-query, Dawn quantization off)' : null;
  if (backend.syncRead) return { method: 'wall clock (synchronous CPU backend: work is done when the call returns)', timestamps };
  if (fn(backend, 'sync')) return { method: 'wall clock around backend.sync() (queue drained)', timestamps };
  return { method: 'wall clock around a readback of the last output (queue drained by the read)', timestamps };
}

export interface GpuTimer {
  /** Starts recording timestamps around up to `capacity` compute passes; false when unsupported. */
  begin(capacity: number): boolean;
  /** Nanoseconds from the first timed pass's start to the last one's end; null when passes overflowed. */
  end(): Promise<number | null>;
}

/** The webgpu runtime's pass timestamps (kernels/webgpu/runtime.ts beginTiming/endTiming), or null. */
export function gpuTimer(backend: Backend): GpuTimer | null {
  const rt = (backend as unknown as Loose)['rt'];
  const begin = fn(rt, 'beginTiming'), end = fn(rt, 'endTiming');
  if (!begin || !end) return null;
  return { begin: (c) => Boolean(begin(c)), end: async () => (await end()) as number | null };
}

/** Waits until the work that produced `last` is complete (a no-op on synchronous backends). */
export async function syncBackend(backend: Backend, last: readonly Tensor[]): Promise<void> {
  if (backend.syncRead) return;
  const s = fn(backend, 'sync');
  if (s) {
    await s();
    return;
  }
  const t = last.find((x) => !x.disposed && x.size > 0);
  if (t) await t.data();
}
