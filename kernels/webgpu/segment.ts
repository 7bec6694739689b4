// Segment ops (graph networks: edges grouped by segment id) on the CSR layout of the ids built on
// the device (kernels/wgsl/segment_csr.wgsl: count, scan, fill, sort), then one reduction kernel
// per output element that walks its segment's edges in increasing edge order, as the ref kernels
// do: deterministic, O(E + N) work for the layout and O(E·inner) for the reductions, no float atomics.
// NOTE: ids are device data, so an id outside [0, N) cannot raise the ref kernel's ValueError: such
// an edge belongs to no segment (segment_softmax writes NaN for its row).
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { params, wgslType } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

interface Csr {
  /** start[s] .. start[s + 1]: the run of segment s in perm (N + 1 words). */
  start: GpuStorage;
  /** Edge indices grouped by segment, increasing within each segment (E words). */
  perm: GpuStorage;
  release(): void;
}

function buildCsr(ctx: KernelContext, ids: GpuStorage, E: number, N: number): Csr {
  const count = ctx.scratch(Math.max(N, 1)), start = ctx.scratch(N + 1), perm = ctx.scratch(Math.max(E, 1));
  const P = params().u32(E).u32(N);
  const pass = (k: number, workgroups: number) =>
    ctx.dispatch({ name: 'segment_csr', code: fillTemplate(wgslSource('segment_csr.wgsl'), { PASS: k }), inputs: [ids], outputs: [count, start, perm], params: P, workgroups });
  const perSegment = Math.ceil(N / 256), perEdge = Math.ceil(E / 256);
  pass(0, perSegment); // clear
  pass(1, perEdge); // count
  pass(2, 1); // scan
  pass(3, perEdge); // fill
  pass(4, perSegment); // sort
  return { start, perm, release: () => [count, start, perm].forEach((s) => ctx.release(s)) };
}

/** Row length of data (E, ...): the product of the trailing dims. */
const innerOf = (data: GpuArg): number => sizeOf(data.shape.slice(1));

/** A per-(segment, j) reduction kernel `name` from kernels/wgsl/`file` (mean: the sum divided by the edge count). */
function reduction(name: string, file: string, mean: boolean): WebGPUKernel<SegmentAttrs> {
  return (ctx, [data, ids], { numSegments: N }, [o]) => {
    const out = ctx.alloc(o!);
    const n = sizeOf(o!.shape);
    if (n === 0) return [out];
    const E = data!.shape[0]!, inner = innerOf(data!);
    const csr = buildCsr(ctx, ids!.storage, E, N);
    const T = wgslType(data!.dtype);
    const code = fillTemplate(wgslSource(file), { T, INT: T === 'i32' ? 'true' : 'false', MEAN: String(mean), MATH: wgslSource('math.wgsl'), SEGMENT_COMMON: fillTemplate(wgslSource('segment_common.wgsl'), { T }) });
    ctx.dispatch({ name, code, inputs: [data!.storage, csr.start, csr.perm], outputs: [out], params: params().u32(n).u32(inner), workgroups: Math.ceil(n / 64) });
    csr.release();
    return [out];
  };
}

export const segmentSum = reduction('segment_sum', 'segment_sum.wgsl', false);
export const segmentMean = reduction('segment_mean', 'segment_sum.wgsl', true);
export const segmentMax = reduction('segment_max', 'segment_max.wgsl', false);

export const segmentSoftmax: WebGPUKernel<SegmentAttrs> = (ctx, [x, ids], { numSegments: N }, [o]) => {
  const out = ctx.alloc(o!);
  const n = sizeOf(o!.shape);
  if (n === 0) return [out];
  const E = x!.shape[0]!, inner = innerOf(x!);
  const csr = buildCsr(ctx, ids!.storage, E, N);
  const stats = ctx.scratch(2 * Math.max(N * inner, 1));
  const pass = (k: number, count: number) => {
    const code = fillTemplate(wgslSource('segment_softmax.wgsl'), { PASS: k, MATH: wgslSource('math.wgsl') });
    const P = params().u32(count).u32(inner).u32(N).f32(NaN);
    ctx.dispatch({ name: 'segment_softmax', code, inputs: [x!.storage, ids!.storage, csr.start, csr.perm], outputs: [stats, out], params: P, workgroups: Math.ceil(count / 64) });
  };
  pass(0, N * inner);
  pass(1, n);
  csr.release();
  ctx.release(stats);
  return [out];
};

export const SEGMENT = {
  segment_sum: segmentSum,
  segment_mean: segmentMean,
  segment_max: segmentMax,
  segment_softmax: segmentSoftmax,
} as const;
