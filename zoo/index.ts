// The model registry: one line per model. `zoo list`, every `--model` option, the model checks and
// the benchmarks come from here.
import type { AnyModel } from './model.js';
import cnn from './cnn.js';
import gpt from './gpt/index.js';
import mlp from './mlp.js';

export const MODELS: Readonly<Record<string, AnyModel>> = {
  mlp, cnn,
  gpt,
};

export const MODEL_NAMES = Object.keys(MODELS);

export { defineModel, type AnyModel, type Batch, type DataSource, type ModelDef } from './model.js';
