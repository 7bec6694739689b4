// Ops that run on native through their `decompose` (written with other ops, which do have native
// kernels), until a fused kernel lands (part B: norms, attention). Each fallback
// is counted (engine/dispatch.ts fallbackCounts) and shown by `zoo list`; `--strict` makes it an
// error. An op in neither this list nor NATIVE_KERNELS fails suites/native.test.ts.
import type { OpName } from '../../engine/ops/index.js';

export const NATIVE_DECOMPOSED = [
] as const satisfies readonly OpName[];
