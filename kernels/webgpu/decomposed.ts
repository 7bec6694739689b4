// The ops that run on webgpu through their decomposition (OpDef.decompose) instead of a WGSL
// kernel: every op is either in KERNELS (kernels/webgpu/kernels.ts) or here, never both, and a
// test (suites/webgpu.test.ts) enforces that. Each entry says what the decomposition runs on.
// Fusing one of these is a matter of adding its kernel and deleting its line (DESIGN.md §4).
import type { OpName } from '../../engine/ops/index.js';

export const DECOMPOSED: Readonly<Partial<Record<OpName, string>>> = {
};
