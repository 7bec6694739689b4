// The machine's own limits, measured at the start of a run (kernels.md §1): peak FLOP/s from a
// register-only FMA loop on the native pool's threads (native code only: JavaScript cannot issue FMAs at peak, so
// without the native probe the peak is reported unavailable, never guessed), memory bandwidth
// from a streaming copy over a 256 MiB buffer, and on accelerated device backends a large matmul
// and a streaming elementwise kernel through the engine. Then the roofline: which bound applies.
import { readFileSync, readdirSync } from 'node:fs';
import { matmul, neg, randn, sum, type Backend, type Tensor } from '../../../engine/index.js';
import type { LimitMeasurement, MachineLimits, RooflineRecord } from '../../../reports/schema.js';
import { nativeAddon, syncBackend } from './hooks.js';
import { now } from './sampling.js';

const MiB = 1 << 20;
const REPEATS = 5;

const unavailable = (method: string, why: string): LimitMeasurement => ({ value: null, method, runs: [], unavailable: why });

/** Best of the rates of `repeats` timed calls of `fn`, which moves `work` units (FLOPs or bytes). */
function bestRate(fn: () => void, work: number, repeats = REPEATS): number[] {
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = now();
    fn();
    runs.push(work / ((now() - t) / 1000));
  }
  return runs;
}

/**
 * Peak FLOP/s of the register-only FMA loop on `threads` threads (default: the native pool's size,
 * which `--threads` sets, so the peak is that of the threads the kernels run on).
 */
export function cpuPeak(native: Backend | null, threads?: number): LimitMeasurement {
  const method = 'register-only FMA loop (native fmaPeak)';
  if (!native) return unavailable(method, 'unavailable (native backend missing)');
  const addon = nativeAddon(native);
  if (!addon?.fmaPeak) return unavailable(method, 'unavailable (the native addon does not export fmaPeak)');
  const n = threads ?? addon.info().threads;
  const runs = Array.from({ length: REPEATS }, () => addon.fmaPeak!(n, 200));
  return { value: Math.max(...runs), method: `${method}, ${n} thread${n === 1 ? '' : 's'} (the native pool), best of ${REPEATS}`, runs };
}

/** Streaming bandwidth: native multi-threaded triad when the addon has it, else a JS memcpy. */
function cpuBandwidth(native: Backend | null): LimitMeasurement {
  const addon = native ? nativeAddon(native) : null;
  if (addon?.triad) {
    const n = (256 * MiB) / 3 / 4 | 0;
    const a = new Float32Array(n), b = new Float32Array(n).fill(1), c = new Float32Array(n).fill(2);
    addon.triad(a, b, c, 3);
    const runs = bestRate(() => addon.triad!(a, b, c, 3), 3 * 4 * n);
    const threads = addon.info().threads;
    return { value: Math.max(...runs), method: `native triad a = b + s c over 3 × ${Math.round((4 * n) / MiB)} MiB, ${threads} thread${threads === 1 ? '' : 's'} (the native pool); bytes read + written`, runs };
  }
  // NOTE: TypedArray.prototype.set between distinct buffers is a memcpy (one thread). It counts
  // 2 bytes per byte copied (read + write), as STREAM's copy does.
  const n = 128 * MiB;
  const src = new Uint8Array(n).fill(1), dst = new Uint8Array(n);
  dst.set(src);
  const runs = bestRate(() => dst.set(src), 2 * n);
  return { value: Math.max(...runs), method: 'TypedArray.prototype.set (memcpy) 128 MiB → 128 MiB, 1 thread; bytes read + written', runs };
}

/** Calls of `fn` per timed block: enough that a block of ~10 µs calls is not dominated by the clock. */
const CACHE_BLOCK = 200;

/**
 * In-cache bandwidth: the native triad over a 1 MiB working set (three arrays of 1/3 MiB), which
 * stays in L2 (512 KiB per core here, kernels.md §1.2) when split over the threads. The bound for
 * a kernel whose data is cache-resident (`zoo bench --op ... --in-cache`).
 */
function cpuCacheBandwidth(native: Backend | null): LimitMeasurement {
  const method = 'native triad a = b + s c over a 1 MiB working set (L2-resident)';
  const addon = native ? nativeAddon(native) : null;
  if (!addon?.triad) return unavailable(method, 'unavailable (the native addon does not export triad)');
  const threads = addon.info().threads;
  const n = MiB / 3 / 4 | 0;
  const a = new Float32Array(n), b = new Float32Array(n).fill(1), c = new Float32Array(n).fill(2);
  for (let i = 0; i < CACHE_BLOCK; i++) addon.triad(a, b, c, 3);
  const runs = bestRate(() => {
    for (let i = 0; i < CACHE_BLOCK; i++) addon.triad!(a, b, c, 3);
  }, CACHE_BLOCK * 3 * 4 * n, 3 * REPEATS);
  return { value: Math.max(...runs), method: `${method}, ${threads} thread${threads === 1 ? '' : 's'} (the native pool), best of ${3 * REPEATS} blocks of ${CACHE_BLOCK}; bytes read + written`, runs };
}

/** Waits for `t` by reading a one-element reduction of it (small readback; the queue drains first). */
async function drain(b: Backend, t: Tensor): Promise<void> {
  if (b.syncRead) return;
  const s = sum(t);
  await syncBackend(b, [s]);
  s.dispose();
}

/** Device repeats: fewer than the CPU's, a software adapter (SwiftShader) is slow. */
const DEVICE_REPEATS = 3;

async function timedRate(b: Backend, work: number, op: () => Tensor): Promise<number[]> {
  const runs: number[] = [];
  for (let r = 0; r < DEVICE_REPEATS; r++) {
    const t0 = now();
    const y = op();
    await drain(b, y);
    runs.push(work / ((now() - t0) / 1000));
    y.dispose();
  }
  return runs;
}

/**
 * Device figures through the engine's own kernels: a square matmul grown from 512 until one takes
 * ≥ 100 ms (at most 4096), and neg over 64 MiB (one read, one write per element). NOTE: these are
 * the best this backend's kernels reach, not the silicon's peak, so a benchmark may exceed them.
 */
async function deviceLimits(b: Backend): Promise<{ peakFlops: LimitMeasurement; bandwidth: LimitMeasurement }> {
  let n = 512, a: Tensor, c: Tensor;
  for (;;) {
    a = randn([n, n], { seed: 1, backend: b });
    c = randn([n, n], { seed: 2, backend: b });
    const y0 = matmul(a, c);
    await drain(b, y0);
    y0.dispose();
    const t0 = now();
    const y = matmul(a, c);
    await drain(b, y);
    y.dispose();
    if (now() - t0 >= 100 || n >= 4096) break;
    a.dispose();
    c.dispose();
    n *= 2;
  }
  const flopRuns = await timedRate(b, 2 * n ** 3, () => matmul(a, c));
  a.dispose();
  c.dispose();
  const elems = (64 * MiB) / 4;
  const x = randn([elems], { seed: 3, backend: b });
  const bwRuns = await timedRate(b, 2 * 4 * elems, () => neg(x));
  x.dispose();
  return {
    peakFlops: { value: Math.max(...flopRuns), method: `engine matmul ${n}×${n}×${n} float32 on ${b.name}, best of ${DEVICE_REPEATS}`, runs: flopRuns },
    bandwidth: { value: Math.max(...bwRuns), method: `engine neg over 64 MiB float32 on ${b.name} (bytes read + written), best of ${DEVICE_REPEATS}`, runs: bwRuns },
  };
}

/** L2 and L3 sizes of CPU 0 from sysfs (Linux); null where unknown. */
export function cacheSizes(): { l2Bytes: number | null; l3Bytes: number | null } {
  const out = { l2Bytes: null as number | null, l3Bytes: null as number | null };
  const base = '/sys/devices/system/cpu/cpu0/cache';
  try {
    for (const d of readdirSync(base).filter((x) => x.startsWith('index'))) {
      const level = readFileSync(`${base}/${d}/level`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)/.exec(readFileSync(`${base}/${d}/size`, 'utf8').trim());
      if (!m) continue;
      const bytes = Number(m[1]) * ({ '': 1, K: 1024, M: MiB, G: 1024 * MiB } as Record<string, number>)[m[2]!]!;
      if (level === '2') out.l2Bytes = bytes;
      if (level === '3') out.l3Bytes = bytes;
    }
  } catch {
    // not Linux, or no sysfs
  }
  return out;
}

export interface LimitTargets {
  /** The native backend when available (its probes measure the CPU). */
  native: Backend | null;
  /** Device backends to measure through the engine (webgpu). */
  devices: Backend[];
}

export async function measureLimits(t: LimitTargets): Promise<MachineLimits> {
  const devices: MachineLimits['devices'] = {};
  for (const b of t.devices) devices[b.name] = await deviceLimits(b);
  return { cpu: { peakFlops: cpuPeak(t.native), bandwidth: cpuBandwidth(t.native), cacheBandwidth: cpuCacheBandwidth(t.native), caches: cacheSizes() }, devices };
}

/** Limits not measured (--no-limits): every figure unavailable. */
export function skippedLimits(): MachineLimits {
  const why = 'not measured (--no-limits)';
  return { cpu: { peakFlops: unavailable('not measured', why), bandwidth: unavailable('not measured', why), caches: cacheSizes() }, devices: {} };
}

/**
 * The peak and bandwidth that apply to `backend`: its device's, or the CPU's for CPU backends;
 * with `inCache` a CPU backend's bandwidth is the in-cache (L2-resident triad) one.
 */
export function limitsFor(limits: MachineLimits, backend: string, inCache = false): { peak: number | null; bandwidth: number | null } {
  const device = limits.devices[backend];
  if (device) return { peak: device.peakFlops.value, bandwidth: device.bandwidth.value };
  const bandwidth = inCache ? (limits.cpu.cacheBandwidth?.value ?? null) : limits.cpu.bandwidth.value;
  return { peak: limits.cpu.peakFlops.value, bandwidth };
}

/**
 * Roofline (Williams, Waterman & Patterson 2009): attainable = min(peak, intensity × bandwidth);
 * the ridge point is peak / bandwidth FLOP/byte. Below the ridge the kernel is memory bound.
 */
export function roofline(flops: number | null, bytes: number | null, l: { peak: number | null; bandwidth: number | null }): RooflineRecord {
  const intensity = flops !== null && bytes !== null && bytes > 0 ? flops / bytes : null;
  const ridge = l.peak !== null && l.bandwidth !== null && l.bandwidth > 0 ? l.peak / l.bandwidth : null;
  const bound = intensity === null || ridge === null ? 'unknown' : intensity >= ridge ? 'compute' : 'memory';
  return { intensity, ridge, bound };
}
