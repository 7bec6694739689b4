// `zoo experiment mhc`: the three residual arms (plain, HC, mHC) trained on the names corpus with
// the same seeds, data order, shared-weight init and optimizer, and the acceptance checks.
// Spec: /work/shared/specs/mhc-hc-attention.md §5 (design), §3.1 (gains).
//
// Fairness, per seed s:
//  - data: one fixed 90/10 split of the names (split seed 0) and fixed validation batches for
//    every seed; seed s reads the training batches s·SEED_STRIDE + step of that corpus (an
//    independent Philox stream per seed), so all arms of a seed see the same batches in order;
//  - init: each arm is built from Generator(s), then every parameter it shares by name and shape
//    with the plain model of seed s (embeddings, attention, MLP, norms, head) is copied from it;
//  - optimizer: AdamW β (0.9, 0.95), lr 3e-3, warmup 50, cosine to 10%, weight decay 0.1 on
//    matrices only (train-arm.ts), global gradient clipping at 1.0.
import { Generator, backendStatus, getBackend } from '../../../engine/index.js';
import { EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, type ExperimentArm, type ExperimentResultsFile, type ExperimentRun } from '../../../reports/schema.js';
import gpt, { type GptConfig } from '../../../zoo/gpt/index.js';
import { namesCorpus } from '../../../zoo/data/names.js';
import { backendDetails, threadsOf } from '../bench/hooks.js';
import { environment } from '../env.js';
import { evaluateClaims, summarizeArms } from './claims.js';
import { trainArm, type ArmProgress, type OptimizerSettings } from './train-arm.js';

export const ARMS: readonly ExperimentArm[] = ['plain', 'hc', 'mhc'];

export interface Tier {
  /** What the tier is for, shown by --help. */
  doc: string;
  nLayer: number;
  nEmbd: number;
  nHead: number;
  blockSize: number;
  batchSize: number;
  steps: number;
  logEvery: number;
  warmupSteps: number;
}

/** Tiers of spec §5 (S: smoke, minutes; M: longer) and a seconds-long one for tests. */
export const TIERS: Readonly<Record<string, Tier>> = {
  s: { doc: '4 blocks, C 64, 4 heads, T 32, B 8', nLayer: 4, nEmbd: 64, nHead: 4, blockSize: 32, batchSize: 8, steps: 600, logEvery: 25, warmupSteps: 50 },
  m: { doc: '8 blocks, C 64, 4 heads, T 64, B 16', nLayer: 8, nEmbd: 64, nHead: 4, blockSize: 64, batchSize: 16, steps: 1500, logEvery: 25, warmupSteps: 50 },
  xs: { doc: 'test tier: 2 blocks, C 16, 2 heads, T 8, B 4', nLayer: 2, nEmbd: 16, nHead: 2, blockSize: 8, batchSize: 4, steps: 20, logEvery: 5, warmupSteps: 5 },
};
export const TIER_NAMES = Object.keys(TIERS);

export const OPTIMIZER = { lr: 3e-3, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1, minLrFraction: 0.1, clipNorm: 1.0 } as const;
const STREAMS = 4;
const SPLIT_SEED = 0;
const VAL_FRACTION = 0.1;
const VAL_BATCHES = 8;
/** Training-batch index offset between seeds: seed s reads batches s·SEED_STRIDE + step. */
export const SEED_STRIDE = 1_000_000;

/** Pre-norm GPT with RMSNorm, no biases, learned positions, bytes (spec §5 "Model"). */
export function armConfig(tier: Tier, arm: ExperimentArm): GptConfig {
  return {
    vocabSize: 256, attention: 'mha', positions: 'learned', norm: 'rmsnorm', bias: false, tiedHead: false, dropout: 0,
    blockSize: tier.blockSize, nLayer: tier.nLayer, nEmbd: tier.nEmbd, nHead: tier.nHead, batchSize: tier.batchSize,
    residual: arm, ...(arm === 'plain' ? {} : { streams: STREAMS }),
  };
}

export interface ExperimentOptions {
  tier: string;
  /** Number of seeds: 0 .. seeds − 1. */
  seeds: number;
  steps?: number;
  backend: string;
  logEvery?: number;
  onPoint?(p: ArmProgress): void;
  onRunDone?(run: ExperimentRun): void;
  shouldStop?(): boolean;
}

/** Trains every arm for every seed (seed-major, so an interrupted file holds whole seeds first). */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResultsFile> {
  const tier = TIERS[o.tier]!;
  const steps = o.steps ?? tier.steps, logEvery = o.logEvery ?? tier.logEvery, arms = ARMS;
  const seeds = Array.from({ length: o.seeds }, (_, i) => i);
  const corpus = namesCorpus({ seed: SPLIT_SEED, batchSize: tier.batchSize, blockSize: tier.blockSize, backend: o.backend, valFraction: VAL_FRACTION, valBatches: VAL_BATCHES });
  const valBatches = corpus.valBatches();
  const diagnosticTokens = corpus.val.slice(0, tier.blockSize); // the first T tokens of the validation stream
  const optimizer: OptimizerSettings = { ...OPTIMIZER, betas: [...OPTIMIZER.betas], warmupSteps: tier.warmupSteps };
  const t0 = performance.now();
  const runs: ExperimentRun[] = [];
  let partial = false;
  try {
    for (const seed of seeds) {
      // The plain model of this seed as initialized: every arm copies the weights it shares with it.
      const reference = gpt.build(armConfig(tier, 'plain'), new Generator(seed), { backend: o.backend, dtype: 'float32' });
      for (const arm of arms) {
        const run = await trainArm({
          arm, seed, config: armConfig(tier, arm), steps, logEvery, backend: o.backend, optimizer,
          trainBatch: (step) => corpus.trainBatch(seed * SEED_STRIDE + step), valBatches, diagnosticTokens,
          reference, ...(o.onPoint ? { onPoint: o.onPoint } : {}), ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
        });
        runs.push(run);
        o.onRunDone?.(run);
        if (run.stepsDone < steps && run.divergedAt === null) partial = true;
        if (o.shouldStop?.()) break;
      }
      for (const p of reference.parameters()) p.dispose();
      if (o.shouldStop?.()) {
        partial = true;
        break;
      }
    }
  } finally {
    for (const b of valBatches) for (const t of Object.values(b)) t.dispose();
  }
  const summaries = summarizeArms(runs, arms);
  const claims = evaluateClaims(summaries, runs);
  const backend = getBackend(o.backend);
  const details = backendDetails(backend);
  return {
    schema: EXPERIMENT_SCHEMA, version: EXPERIMENT_VERSION, kind: 'experiment', experiment: 'mhc', partial,
    environment: environment(),
    backend: { name: o.backend, threads: threadsOf(backend), detail: typeof details['describe'] === 'string' ? details['describe'] : backendStatus(o.backend).reason ?? '' },
    config: {
      tier: o.tier, steps, seeds, arms: [...arms], logEvery,
      models: Object.fromEntries(arms.map((a) => [a, { ...armConfig(tier, a) } as Record<string, unknown>])),
      optimizer: { name: 'AdamW', lr: optimizer.lr, betas: optimizer.betas, eps: optimizer.eps, weightDecay: optimizer.weightDecay, decayed: 'parameters of rank >= 2 except the static hyper-connection parts (norm gains, biases, α and b are not decayed)', warmupSteps: optimizer.warmupSteps, minLr: optimizer.lr * optimizer.minLrFraction, clipNorm: optimizer.clipNorm },
      data: { corpus: corpus.description, valFraction: VAL_FRACTION, splitSeed: SPLIT_SEED, valBatches: VAL_BATCHES, batchSize: tier.batchSize, blockSize: tier.blockSize, order: `seed s reads training batches s·${SEED_STRIDE} + step (the same for every arm)` },
      diagnostics: { tokens: diagnosticTokens.length, source: 'the first T tokens of the validation stream, batch of one, eval mode' },
      init: 'Generator(seed) per arm; parameters shared with the plain model of the seed (same name and shape) are copied from it',
    },
    runs,
    summary: { arms: summaries, claims, allPassed: claims.every((c) => c.passed), seconds: (performance.now() - t0) / 1000 },
  };
}
