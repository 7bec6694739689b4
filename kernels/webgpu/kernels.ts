// The WebGPU kernel table: op name -> kernel (WGSL under kernels/wgsl/, descriptors here).
// Partial by design: every op missing here is listed in DECOMPOSED (kernels/webgpu/decomposed.ts)
// and runs as its decomposition into ops that have kernels; a test enforces that the two lists
// cover the registry exactly.
import type { AttrsOf, OpName } from '../../engine/ops/index.js';
import { ATTENTION } from './attention.js';
import { BINARY, COMPARE, UNARY, cast, clamp, where } from './elementwise.js';
import { CONV } from './conv.js';
import { HC } from './hc.js';
import { INDEXING } from './indexing.js';
import type { WebGPUKernel } from './kernel.js';
import { linear, matmul } from './matmul.js';
import { MOVEMENT } from './movement.js';
import { OPTIM } from './optim.js';
import { SEGMENT } from './segment.js';
import { NORM } from './norm.js';
import { dropout } from './random.js';
import { REDUCE } from './reduce.js';
import { ROWS } from './rows.js';
import { WINDOW } from './window.js';

export type WebGPUKernelTable = { readonly [P in OpName]?: WebGPUKernel<AttrsOf<P>> };

export const KERNELS: WebGPUKernelTable = {
  ...UNARY,
  ...BINARY,
  ...COMPARE,
  where,
  clamp,
  cast,
  ...REDUCE,
  ...ROWS,
  ...NORM,
  ...MOVEMENT,
  ...INDEXING,
  ...WINDOW,
  ...HC,
  ...CONV,
  matmul,
  linear,
  dropout,
  ...ATTENTION,
  ...OPTIM,
  ...SEGMENT,
};
