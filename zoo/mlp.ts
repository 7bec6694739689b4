// mlp: a multilayer perceptron classifier on tabular data (Iris, or two spirals).
//   x (B, F) -> [Linear -> BatchNorm1d? -> activation -> Dropout?] × depth -> Linear -> logits (B, K)
// trained with cross entropy. With batch norm the hidden Linear layers have no bias (BN's shift
// replaces it; a bias before BN would receive an exactly zero gradient).
// Paper: Rumelhart, Hinton & Williams, "Learning representations by back-propagating errors", Nature 323 (1986).
// Paper (batch norm): Ioffe & Szegedy, "Batch normalization", ICML 2015, arXiv:1502.03167.
import {
  BatchNorm1d, Dropout, Generator, Linear, Module, Sequential, ValueError, crossEntropy, elu, gelu, leakyRelu, mish, relu, sigmoid, silu, tanh,
  type SequentialStep, type Tensor,
} from '../engine/index.js';
import { iris } from './data/iris.js';
import { spirals } from './data/spirals.js';
import { rowsIndependentInEval } from './invariants.js';
import { defineModel, type BuildOptions } from './model.js';

// ---- config -------------------------------------------------------------------------------------

export const ACTIVATIONS = {
  relu, gelu: (x: Tensor) => gelu(x), tanh, silu, sigmoid, mish, elu: (x: Tensor) => elu(x), leakyRelu: (x: Tensor) => leakyRelu(x),
} as const;
export type Activation = keyof typeof ACTIVATIONS;

/** Input features and classes of each data set. */
const DATASETS = { iris: { features: 4, classes: 3 }, spirals: { features: 2, classes: 2 } } as const;
export type TabularDataset = keyof typeof DATASETS;

export interface MLPConfig {
  dataset: TabularDataset;
  /** Hidden layers. */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  activation: Activation;
  /** Dropout probability after each hidden activation (0: none). */
  dropout: number;
  batchNorm: boolean;
  /** Rows per training batch. */
  batchSize: number;
}

const PRESETS = {
  tiny: { dataset: 'iris', depth: 2, width: 16, activation: 'relu', dropout: 0, batchNorm: true, batchSize: 16 },
  'tiny-spirals': { dataset: 'spirals', depth: 2, width: 32, activation: 'gelu', dropout: 0.1, batchNorm: false, batchSize: 64 },
  iris: { dataset: 'iris', depth: 2, width: 32, activation: 'relu', dropout: 0, batchNorm: false, batchSize: 120 },
  spirals: { dataset: 'spirals', depth: 3, width: 64, activation: 'tanh', dropout: 0, batchNorm: false, batchSize: 64 },
  bench: { dataset: 'spirals', depth: 4, width: 256, activation: 'gelu', dropout: 0.1, batchNorm: true, batchSize: 256 },
} satisfies Record<string, MLPConfig>;

function checkConfig(c: MLPConfig): void {
  const bad = (what: string) => new ValueError('mlp', `config ${what}`);
  if (!(c.dataset in DATASETS)) throw bad(`dataset '${c.dataset}' is not one of ${Object.keys(DATASETS).join(', ')}`);
  if (!(c.activation in ACTIVATIONS)) throw bad(`activation '${c.activation}' is not one of ${Object.keys(ACTIVATIONS).join(', ')}`);
  for (const k of ['depth', 'width', 'batchSize'] as const) {
    if (!Number.isSafeInteger(c[k]) || c[k] < (k === 'depth' ? 0 : 1)) throw bad(`${k} ${c[k]} must be an integer >= ${k === 'depth' ? 0 : 1}`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw bad(`dropout ${c.dropout} must lie in [0, 1)`);
}

/** Layer widths: F, width × depth, K. */
function widths(c: MLPConfig): number[] {
  const d = DATASETS[c.dataset];
  return [d.features, ...Array<number>(c.depth).fill(c.width), d.classes];
}

// ---- model --------------------------------------------------------------------------------------

export class MLP extends Module {
  readonly net: Sequential;

  constructor(readonly config: MLPConfig, gen: Generator, opts: BuildOptions = {}) {
    super();
    checkConfig(config);
    const w = widths(config), layer = { ...opts, gen };
    const steps: SequentialStep[] = [];
    for (let i = 0; i < config.depth; i++) {
      steps.push(new Linear(w[i]!, w[i + 1]!, { ...layer, bias: !config.batchNorm }));
      if (config.batchNorm) steps.push(new BatchNorm1d(w[i + 1]!, opts));
      steps.push(ACTIVATIONS[config.activation]);
      if (config.dropout > 0) steps.push(new Dropout(config.dropout, { gen: gen.fork(i) }));
    }
    steps.push(new Linear(w[config.depth]!, w[config.depth + 1]!, layer));
    this.net = this.module('net', new Sequential(...steps));
  }

  /** x (B, F) -> logits (B, K). */
  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

// ---- registration -------------------------------------------------------------------------------

/** Matmul FLOPs of one batch: Σ over Linear layers of 2·B·in·out (elementwise ops not counted). */
function forwardFlops(c: MLPConfig): number {
  const w = widths(c);
  let f = 0;
  for (let i = 0; i + 1 < w.length; i++) f += 2 * c.batchSize * w[i]! * w[i + 1]!;
  return f;
}

export default defineModel<MLPConfig, MLP>({
  name: 'mlp',
  family: 'mlp',
  doc: 'multilayer perceptron (depth, width, activation, dropout, batch norm) on Iris or two spirals. Paper: Rumelhart et al. 1986',
  presets: PRESETS,
  build: (config, gen, opts) => new MLP(config, gen, opts),
  data: (config, opts) => (config.dataset === 'iris' ? iris : spirals)({ ...opts, batchSize: config.batchSize }),
  loss: (model, batch) => crossEntropy(model.forward(batch['x']!), batch['y']!),
  // Training: the backward pass costs two matmuls per forward matmul (dX and dW): 3× forward.
  flops: (config) => ({ forward: forwardFlops(config), train: 3 * forwardFlops(config) }),
  units: (config) => ({ count: config.batchSize, unit: 'samples' }),
  trainCheck: { steps: 150, lr: 2e-2, maxRatio: 0.5 },
  invariants: [rowsIndependentInEval<MLPConfig>()],
});
