// The model contract (DESIGN.md "Adding a model"). A model file ends with defineModel({...}); one
// line in zoo/index.ts registers it, and the model checks, `zoo train`, `zoo sample` and the
// benchmarks pick it up from the registry.
import type { Backend, FloatDType, Generator, Module, Tensor } from '../engine/index.js';

export interface BuildOptions {
  dtype?: FloatDType;
  backend?: Backend | string;
}

/** Named tensors of one batch: inputs and targets (e.g. { x, y } or { tokens, targets }). */
export type Batch = Readonly<Record<string, Tensor>>;

/** Deterministic data: the same seed gives the same batches in the same order. */
export interface DataSource {
  /** What the data is (shown by `zoo list` and in results files). */
  readonly description: string;
  /** Training batch number `step` (any step, in any order: a pure function of seed and step). */
  trainBatch(step: number): Batch;
  /** The fixed validation batches. */
  valBatches(): Batch[];
}

export interface DataOptions extends BuildOptions {
  seed: number;
}

/** Analytic FLOPs of one batch of the configuration (an FMA counts 2). */
export interface Flops {
  forward: number;
  /** Forward + backward (about 3x forward for dense layers). */
  train: number;
}

/** The "loss goes down" check: `steps` optimizer steps must bring the training loss below `maxRatio` × its start. */
export interface TrainCheck {
  steps: number;
  lr: number;
  maxRatio: number;
}

export interface InvariantContext<C, M> {
  config: C;
  /** Builds the model for (possibly modified) config with a fixed seed. */
  build(config?: C, opts?: BuildOptions): M;
  data: DataSource;
  backend: string;
}

/** A family property (causality, KV-cache equivalence, ...): throws with a clear message when violated. */
export interface Invariant<C, M> {
  name: string;
  check(ctx: InvariantContext<C, M>): void;
}

export interface ModelDef<C extends object, M extends Module> {
  readonly name: string;
  readonly family: string;
  /** One line: what the model is, with its reference (Paper: ...). */
  readonly doc: string;
  /** `tiny` runs in well under a second on ref and is what tests use; `bench` is benchmarked. */
  readonly presets: Readonly<{ tiny: C; bench: C } & Record<string, C>>;
  build(config: C, gen: Generator, opts?: BuildOptions): M;
  data(config: C, opts: DataOptions): DataSource;
  /** Scalar training loss of `model` on `batch`. */
  loss(model: M, batch: Batch, config: C): Tensor;
  flops(config: C): Flops;
  /** What one batch counts for throughput: tokens for sequence models, samples otherwise. */
  units(config: C): { count: number; unit: 'tokens' | 'samples' };
  readonly trainCheck: TrainCheck;
  readonly invariants: readonly Invariant<C, M>[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = ModelDef<any, any>;

export function defineModel<C extends object, M extends Module>(def: ModelDef<C, M>): ModelDef<C, M> {
  return Object.freeze(def);
}
