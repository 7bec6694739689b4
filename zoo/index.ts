// The model registry: one line per model. `zoo list`, every `--model` option, the model checks and
// the benchmarks come from here.
import type { AnyModel } from './model.js';

export const MODELS: Readonly<Record<string, AnyModel>> = {
};

export const MODEL_NAMES = Object.keys(MODELS);

export { defineModel, type AnyModel, type Batch, type DataSource, type ModelDef } from './model.js';
