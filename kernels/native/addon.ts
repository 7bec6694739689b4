// The addon's exports (native/src/kernels.def), typed. Descriptors call `addon()`, which returns
// the module loaded by load.ts; every array is passed zero-copy (outputs are allocated in JS).
import type { TypedArray } from '../../engine/dtype.js';

type F32 = Float32Array;
type I32 = Int32Array;
// NOTE: Float64Array is typed in (it is a TypedArray) but never passed: the backend refuses float64 first.
type Data = TypedArray;

export interface NativeInfo {
  /** 'avx2+fma' or 'scalar': the kernel variants in use (chosen at load time). */
  isa: string;
  cpuAvx2: boolean;
  threads: number;
  unaryOps: Record<string, number>;
  binaryOps: Record<string, number>;
  reduceOps: Record<string, number>;
  segmentOps: Record<string, number>;
}

export interface ZooNative {
  info(): NativeInfo;
  setThreads(n: number): number;
  setIsa(isa: 'avx2' | 'scalar'): string;
  philox(out: Uint32Array, seed: number, offset: number): void;
  random(kind: number, out: Data, seed: number, offset: number, a: number, b: number): void;
  unary(code: number, x: Data, out: Data, p0: number, p1: number): void;
  binary(code: number, a: Data, b: Data, out: Data, shape: I32, aStrides: I32, bStrides: I32): void;
  where(cond: Data, a: Data, b: Data, out: Data, shape: I32, cStrides: I32, aStrides: I32, bStrides: I32): void;
  cast(x: Data, out: Data): void;
  reduce(code: number, x: Data, out: Data, keptShape: I32, keptStrides: I32, redShape: I32, redStrides: I32, param: number): void;
  cumsum(x: Data, out: Data, outer: number, len: number, inner: number, reverse: number): void;
  softmax(log: number, x: F32, out: F32, outer: number, len: number, inner: number): void;
  copy(src: Data, dst: Data, shape: I32, srcTables: I32, dstStrides: I32, dstOffset: number, fill: number): void;
  triangle(x: Data, out: Data, rows: number, cols: number, k: number, upper: number): void;
  gather(x: Data, index: I32, out: Data, idxShape: I32, xStrides: I32, axisStride: number, axisSize: number): number;
  indexSelect(x: Data, index: I32, out: Data, outer: number, dim: number, inner: number): number;
  scatterAdd(index: I32, src: Data, out: Data, idxShape: I32, outStrides: I32, srcStrides: I32, axisStride: number, axisSize: number): number;
  oneHot(index: I32, out: Data, classes: number): number;
  embedding(indices: I32, weight: F32, out: F32, rows: number, dim: number): number;
  segment(code: number, data: Data, ids: I32, out: Data, edges: number, inner: number, segments: number): number;
  dropout(x: F32, out: F32, p: number, seed: number, offset: number): void;
  matmul(a: F32, b: F32, out: F32, aOffsets: I32, bOffsets: I32, M: number, K: number, N: number, transA: number, transB: number): void;
  linear(x: F32, w: F32, bias: F32 | null, residual: F32 | null, out: F32, M: number, K: number, N: number, activation: number): void;
  tapsGather(x: F32, out: F32, planes: number, planeSize: number, taps: I32): void;
  tapsScatter(cols: F32, out: F32, planes: number, planeSize: number, taps: I32): void;
  tapsMax(x: F32, vals: F32, idx: I32, planes: number, planeSize: number, taps: I32, fallback: I32): void;
  sinkhorn(x: F32, out: F32, count: number, n: number, iters: number): void;
  sinkhornBackward(x: F32, dOut: F32, dx: F32, count: number, n: number, iters: number): void;
  hcPre(h: F32, x: F32, out: F32, tokens: number, n: number, C: number): void;
  hcPostRes(hres: F32, x: F32, hpost: F32, y: F32, out: F32, tokens: number, n: number, C: number): void;
  hcPreBackward(h: F32, x: F32, dOut: F32, dh: F32, dx: F32, tokens: number, n: number, C: number): void;
  hcPostResBackward(hres: F32, x: F32, hpost: F32, y: F32, dOut: F32, dhres: F32, dx: F32, dhpost: F32, dy: F32, tokens: number, n: number, C: number): void;
  /** STREAM triad a = b + s·c on all threads (peak.cc): the bandwidth probe. */
  triad(a: F32, b: F32, c: F32, s: number): void;
  sgdStep(p: F32, g: F32, buf: F32, pOut: F32, bufOut: F32, lr: number, momentum: number, dampening: number, weightDecay: number, flags: number): void;
  adamStep(p: F32, g: F32, m: F32, v: F32, vMax: F32, pOut: F32, mOut: F32, vOut: F32, vMaxOut: F32, scalars: F32, flags: number): void;
  conv2d(x: F32, w: F32, bias: F32, out: F32, geom: I32): void;
  convTranspose2d(x: F32, w: F32, bias: F32, out: F32, geom: I32): void;
  conv2dWeightGrad(x: F32, dOut: F32, out: F32, geom: I32): void;
  resample(x: F32, out: F32, planes: number, H: number, W: number, oh: number, ow: number, taps: I32, weights: F32): void;
  attention(q: F32, k: F32, v: F32, bias: F32, mask: Uint8Array, pad: Uint8Array, out: F32, dims: I32, strides: I32, scale: number): void;
  attentionBackward(q: F32, k: F32, v: F32, bias: F32, mask: Uint8Array, pad: Uint8Array, dOut: F32, dq: F32, dk: F32, dv: F32, dS: F32, dims: I32, strides: I32, scale: number, dsSum: number): void;
  rope(x: F32, out: F32, cos: F32, sin: F32, T: number, D: number, d: number, interleaved: number): void;
  normForward(mode: number, x: F32, weight: F32, bias: F32, mean: F32, variance: F32, out: F32, n: number, c: number, s: number, groups: number, eps: number): void;
  normBackward(rms: number, x: F32, dOut: F32, weight: F32, dx: F32, dWeight: F32, dBias: F32, rows: number, len: number, eps: number): void;
}

let loaded: { mod: ZooNative; info: NativeInfo } | null = null;

export function setAddon(mod: ZooNative): void {
  loaded = { mod, info: mod.info() };
}

/** The loaded addon (the native backend sets it before any kernel runs). */
export function addon(): ZooNative {
  if (!loaded) throw new Error('zoo native addon is not loaded');
  return loaded.mod;
}

/** Op-code tables exported by the addon (names as in native/src/tables.h). */
export function codes(): NativeInfo {
  if (!loaded) throw new Error('zoo native addon is not loaded');
  return loaded.info;
}
