// The WebGPU kernel signature and the context kernels get from the backend.
import type { TensorMeta } from '../../engine/backend.js';
import type { DType } from '../../engine/dtype.js';
import type { Shape } from '../../engine/shape.js';
import type { Program } from './program.js';
import type { Runtime } from './runtime.js';
import type { GpuStorage } from './storage.js';

export interface GpuArg {
  readonly storage: GpuStorage;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface KernelContext {
  readonly rt: Runtime;
  /** A fresh output buffer for `meta` (4 bytes per element). */
  alloc(meta: TensorMeta): GpuStorage;
  /** A temporary buffer of `elements` 4-byte words; free it with `release` after its last dispatch. */
  scratch(elements: number): GpuStorage;
  release(s: GpuStorage): void;
  dispatch(p: Program): void;
  /** The variant chosen for an op that has several WGSL sources (kernels/wgsl/<op>.<variant>.wgsl). */
  variant(op: string): string;
  hasFeature(name: string): boolean;
}

/**
 * Runs an op on the GPU: records dispatches and returns the output storages. Returns null when this
 * case has no WGSL kernel (the dispatcher then uses the op's decomposition).
 */
export type WebGPUKernel<A> = (ctx: KernelContext, inputs: readonly GpuArg[], attrs: A, outs: readonly TensorMeta[]) => GpuStorage[] | null;
