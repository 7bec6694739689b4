// Results file schemas. Every file carries `schema` and `version`; readers reject other versions.
import type { Environment } from '../suites/harness/env.js';

export const CHECK_SCHEMA = 'zoo.check';
export const CHECK_VERSION = 1;

/** One op's gradient check on one backend. */
export interface OpCheckRecord {
  op: string;
  family: string;
  backend: string;
  runs: number;
  passed: boolean;
  differentiable: boolean;
  secondOrderChecked: boolean;
  /** Worst relative error of analytic vs finite-difference derivatives (first and second order). */
  worstFirstOrder: number;
  worstSecondOrder: number;
  /** Relative-error budget the comparisons were held to. */
  tolerance: number;
  failure?: { message: string; seed: number; path: string; counterexample: string };
}

export interface CheckResultsFile {
  schema: typeof CHECK_SCHEMA;
  version: typeof CHECK_VERSION;
  kind: 'gradcheck';
  environment: Environment;
  config: { backend: string; seed: number; runs: number; ops: string[] };
  results: OpCheckRecord[];
  summary: { ops: number; passed: number; failed: number; seconds: number };
}
