// The WebGPU kernel table: op name -> kernel. Partial by design; every op missing here must be
// in DECOMPOSED (kernels/webgpu/decomposed.ts), which a test enforces.
import type { AttrsOf, OpName } from '../../engine/ops/index.js';
import { BINARY, COMPARE, UNARY, cast, clamp, where } from './elementwise.js';
import type { WebGPUKernel } from './kernel.js';
import { dropout } from './random.js';

export type WebGPUKernelTable = { readonly [P in OpName]?: WebGPUKernel<AttrsOf<P>> };

export const KERNELS: WebGPUKernelTable = {
  ...UNARY,
  ...BINARY,
  ...COMPARE,
  where,
  clamp,
  cast,
  dropout,
};
