// The parity results file (reports/schema.ts zoo.parity), shared by `zoo parity` and vitest.
import { OPS, fallbackCounts, getBackend, isOpName } from '../../engine/index.js';
import { writeJsonAtomic } from '../../reports/io.js';
import { PARITY_SCHEMA, PARITY_VERSION, type ParityResultsFile } from '../../reports/schema.js';
import { environment } from './env.js';
import type { OpParityResult } from './parity.js';
import { PARITY_K } from './tolerance.js';

export interface ParityConfig {
  backend: string;
  seed: number;
  runs: number;
  ops: string[];
}

/** A backend's self-description (native: CPU path and threads), or ''. */
export function backendDetail(name: string): string {
  const b = getBackend(name) as { describe?: () => string };
  return b.describe?.() ?? '';
}

export function parityFile(config: ParityConfig, results: readonly OpParityResult[], seconds: number): ParityResultsFile {
  const failed = results.filter((r) => !r.passed).length;
  return {
    schema: PARITY_SCHEMA,
    version: PARITY_VERSION,
    kind: 'parity',
    environment: environment(),
    config: { ...config, backendDetail: backendDetail(config.backend), k: PARITY_K },
    results: results.map((r) => ({ ...r, family: isOpName(r.op) ? OPS[r.op].family : 'unknown' })),
    fallbacks: Object.fromEntries(fallbackCounts()),
    summary: { ops: results.length, passed: results.length - failed, failed, seconds },
  };
}

export function writeParityResults(path: string, config: ParityConfig, results: readonly OpParityResult[], seconds: number): void {
  writeJsonAtomic(path, parityFile(config, results, seconds));
}
