// Timing GPU work for benchmarks (kernels.md §2.3): GPU timestamps around the compute passes when
// the adapter has 'timestamp-query' (Dawn's quantization is turned off at create(), so they are
// exact), else wall clock around a completed submit. Results say which method was used.
import type { WebGPUBackend } from './backend.js';

export interface GpuTiming {
  /** Milliseconds per repetition (median over `reps`). */
  ms: number;
  samples: number[];
  method: 'gpu-timestamps' | 'wall-clock';
  /** Smallest nonzero timestamp difference seen on tiny passes (an upper bound of the resolution). */
  resolutionNs: number | null;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Times `fn` (which records GPU work and returns the tensors to release) `reps` times after
 * `warmup` untimed calls (pipelines compile on the first one).
 */
export async function timeGpu(b: WebGPUBackend, fn: () => { dispose(): void }[], opts: { reps?: number; warmup?: number } = {}): Promise<GpuTiming> {
  const reps = opts.reps ?? 5;
  for (let i = 0; i < (opts.warmup ?? 1); i++) {
    fn().forEach((t) => t.dispose());
    await b.sync();
  }
  const samples: number[] = [];
  let method: GpuTiming['method'] = 'gpu-timestamps';
  for (let i = 0; i < reps; i++) {
    await b.sync();
    if (method === 'gpu-timestamps' && b.rt.beginTiming(256)) {
      const out = fn();
      const ns = await b.rt.endTiming();
      out.forEach((t) => t.dispose());
      if (ns !== null) {
        samples.push(ns / 1e6);
        continue;
      }
    }
    method = 'wall-clock';
    const t0 = performance.now();
    const out = fn();
    await b.sync();
    samples.push(performance.now() - t0);
    out.forEach((t) => t.dispose());
  }
  return { ms: median(samples), samples, method, resolutionNs: method === 'gpu-timestamps' ? await timerResolution(b) : null };
}

/** The smallest nonzero duration of an empty timed pass: what the timer can resolve at best. */
async function timerResolution(b: WebGPUBackend): Promise<number | null> {
  let best: number | null = null;
  for (let i = 0; i < 4; i++) {
    if (!b.rt.beginTiming(1)) return null;
    b.rt.emptyPass();
    const ns = await b.rt.endTiming();
    if (ns !== null && ns > 0) best = best === null ? ns : Math.min(best, ns);
  }
  return best;
}
