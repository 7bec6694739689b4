// The contract between the engine and a backend. Backends know nothing of autodiff: they hold
// buffers, run kernels by op name and draw random numbers. A backend returns null from `run`
// when it has no kernel for an op; the dispatcher then uses the op's decomposition.
import type { DType, TypedArray } from './dtype.js';
import type { RandomKind } from './rng.js';
import type { Shape } from './shape.js';

/** Opaque device buffer; each backend defines its own class implementing this. */
export interface Storage {
  readonly bytes: number;
}

export interface TensorMeta {
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface KernelArg extends TensorMeta {
  readonly storage: Storage;
}

export interface MemoryStats {
  liveBuffers: number;
  liveBytes: number;
  peakBytes: number;
}

export interface RandomParams {
  kind: RandomKind;
  seed: number;
  offset: number;
  /** uniform: [a, b); normal: mean a, std b; bernoulli: p = a; randint: [a, b). */
  a: number;
  b: number;
}

export interface Backend {
  readonly name: string;
  /** True when `readSync` works (CPU backends). */
  readonly syncRead: boolean;
  upload(data: TypedArray, meta: TensorMeta): Storage;
  read(storage: Storage, meta: TensorMeta): Promise<TypedArray>;
  readSync(storage: Storage, meta: TensorMeta): TypedArray;
  release(storage: Storage): void;
  memory(): MemoryStats;
  hasKernel(op: string): boolean;
  run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] | null;
  random(meta: TensorMeta, params: RandomParams): Storage;
}
