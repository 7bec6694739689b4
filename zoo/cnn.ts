// cnn: a small residual network (ResNet "basic blocks") classifying the procedural shapes images
// (zoo/data/shapes.ts documents the generator: noisy outlines of circles, squares, triangles and
// lines at random positions, sizes and angles, 1×28×28, deterministic from the seed).
//   stem:   conv3×3(1 -> C0) -> BN -> ReLU [-> max pool 2×2]
//   stages: stage i has `blocksPerStage` basic blocks of width stages[i]; the first block of every
//           stage after the first has stride 2 (halves H and W)
//   block:  y = ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + shortcut(x))
//           shortcut = x (identity) when stride 1 and channels match, else the projection
//           BN(conv1×1 stride s (x))  (ResNet option B)
//   head:   global average pool -> (B, C) -> Linear -> logits (B, K)
// Convolutions followed by BN have no bias (BN's shift replaces it). Loss: cross entropy.
// Paper: He, Zhang, Ren & Sun, "Deep residual learning for image recognition", CVPR 2016, arXiv:1512.03385.
import {
  BatchNorm2d, Conv2d, Generator, Linear, Module, ModuleList, ValueError, adaptiveAvgPool2d, add, crossEntropy, maxPool2d, relu, reshape,
  type Tensor,
} from '../engine/index.js';
import { SHAPE_CLASSES, shapes } from './data/shapes.js';
import { rowsIndependentInEval } from './invariants.js';
import { defineModel, type BuildOptions } from './model.js';

// ---- config -------------------------------------------------------------------------------------

export interface CNNConfig {
  /** Image side S of the shapes data. */
  imageSize: number;
  /** σ of the shapes data's pixel noise. */
  noise: number;
  stemChannels: number;
  /** 2×2 max pool after the stem. */
  stemPool: boolean;
  /** Width of each stage; every stage after the first halves the resolution. */
  stages: number[];
  blocksPerStage: number;
  batchSize: number;
}

// NOTE: tiny draws 16×16 shapes (the generator scales with S) so that the model checks stay fast on
// ref; every other preset uses the 28×28 images.
const PRESETS = {
  tiny: { imageSize: 16, noise: 0.15, stemChannels: 4, stemPool: true, stages: [4, 8], blocksPerStage: 1, batchSize: 8 },
  small: { imageSize: 28, noise: 0.15, stemChannels: 8, stemPool: true, stages: [8, 16], blocksPerStage: 1, batchSize: 32 },
  bench: { imageSize: 28, noise: 0.15, stemChannels: 32, stemPool: false, stages: [32, 64, 128], blocksPerStage: 2, batchSize: 32 },
} satisfies Record<string, CNNConfig>;

function checkConfig(c: CNNConfig): void {
  const counts: [string, number, number][] = [
    ['imageSize', c.imageSize, 8], ['stemChannels', c.stemChannels, 1], ['blocksPerStage', c.blocksPerStage, 1], ['batchSize', c.batchSize, 1],
    ...c.stages.map((s, i): [string, number, number] => [`stages[${i}]`, s, 1]),
  ];
  for (const [name, v, min] of counts) if (!Number.isSafeInteger(v) || v < min) throw new ValueError('cnn', `config ${name} ${v} must be an integer >= ${min}`);
  if (c.stages.length === 0) throw new ValueError('cnn', 'config stages must list at least one stage width');
}

// ---- blocks -------------------------------------------------------------------------------------

/** conv(k×k, stride, padding k/2, no bias) -> BN. */
class ConvBN extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  constructor(cin: number, cout: number, k: number, stride: number, opts: BuildOptions & { gen: Generator }) {
    super();
    this.conv = this.module('conv', new Conv2d(cin, cout, k, { ...opts, stride, padding: (k - 1) / 2, bias: false }));
    this.bn = this.module('bn', new BatchNorm2d(cout, opts));
  }

  /** (B, cin, H, W) -> (B, cout, H', W'), H' = floor((H - 1) / stride) + 1. */
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv.forward(x));
  }
}

/** ResNet basic block with an identity or a projection shortcut. */
class BasicBlock extends Module {
  readonly a: ConvBN;
  readonly b: ConvBN;
  readonly shortcut: ConvBN | null;

  constructor(cin: number, cout: number, stride: number, opts: BuildOptions & { gen: Generator }) {
    super();
    this.a = this.module('a', new ConvBN(cin, cout, 3, stride, opts));
    this.b = this.module('b', new ConvBN(cout, cout, 3, 1, opts));
    this.shortcut = stride !== 1 || cin !== cout ? this.module('shortcut', new ConvBN(cin, cout, 1, stride, opts)) : null;
  }

  /** (B, cin, H, W) -> (B, cout, H', W'). */
  forward(x: Tensor): Tensor {
    const y = this.b.forward(relu(this.a.forward(x)));
    return relu(add(y, this.shortcut ? this.shortcut.forward(x) : x));
  }
}

/** (cin, cout, stride) of every block, in order. */
function blockPlan(c: CNNConfig): [number, number, number][] {
  const plan: [number, number, number][] = [];
  let cin = c.stemChannels;
  c.stages.forEach((width, s) => {
    for (let i = 0; i < c.blocksPerStage; i++) {
      plan.push([cin, width, s > 0 && i === 0 ? 2 : 1]);
      cin = width;
    }
  });
  return plan;
}

// ---- model --------------------------------------------------------------------------------------

export class ResNet extends Module {
  readonly stem: ConvBN;
  readonly blocks: ModuleList<BasicBlock>;
  readonly head: Linear;

  constructor(readonly config: CNNConfig, gen: Generator, opts: BuildOptions = {}) {
    super();
    checkConfig(config);
    const layer = { ...opts, gen };
    this.stem = this.module('stem', new ConvBN(1, config.stemChannels, 3, 1, layer));
    this.blocks = this.module('blocks', new ModuleList(blockPlan(config).map(([cin, cout, stride]) => new BasicBlock(cin, cout, stride, layer))));
    this.head = this.module('head', new Linear(config.stages.at(-1)!, SHAPE_CLASSES.length, layer));
  }

  /** x (B, 1, S, S) -> logits (B, K). */
  forward(x: Tensor): Tensor {
    let h = relu(this.stem.forward(x)); // (B, C0, S, S)
    if (this.config.stemPool) h = maxPool2d(h, { kernelSize: 2 }); // (B, C0, S/2, S/2)
    for (const block of this.blocks) h = block.forward(h); // (B, C, H, W)
    const B = h.shape[0]!, C = h.shape[1]!;
    const pooled = reshape(adaptiveAvgPool2d(h, { outputSize: 1 }), [B, C]); // (B, C, 1, 1) -> (B, C)
    return this.head.forward(pooled); // (B, K)
  }
}

// ---- registration -------------------------------------------------------------------------------

/**
 * Conv and Linear FLOPs of one batch. A convolution costs 2·(Cin/groups)·kh·kw per output element
 * (one FMA per weight tap), times Cout·H'·W'·B; BN, ReLU, pooling and additions are not counted.
 */
function forwardFlops(c: CNNConfig): number {
  const conv = (cin: number, cout: number, k: number, hw: number) => 2 * cin * k * k * cout * hw * hw * c.batchSize;
  const down = (hw: number) => Math.floor((hw - 1) / 2) + 1;
  let hw = c.imageSize;
  let f = conv(1, c.stemChannels, 3, hw);
  if (c.stemPool) hw = Math.floor(hw / 2);
  for (const [cin, cout, stride] of blockPlan(c)) {
    if (stride === 2) hw = down(hw);
    f += conv(cin, cout, 3, hw) + conv(cout, cout, 3, hw);
    if (stride !== 1 || cin !== cout) f += conv(cin, cout, 1, hw);
  }
  return f + 2 * c.batchSize * c.stages.at(-1)! * SHAPE_CLASSES.length;
}

export default defineModel<CNNConfig, ResNet>({
  name: 'cnn',
  family: 'cnn',
  doc: 'small residual network (conv-BN-ReLU basic blocks, identity and projection shortcuts) on procedural shapes. Paper: He et al. 2016, arXiv:1512.03385',
  presets: PRESETS,
  build: (config, gen, opts) => new ResNet(config, gen, opts),
  data: (config, opts) => shapes({ ...opts, batchSize: config.batchSize, imageSize: config.imageSize, noise: config.noise }),
  loss: (model, batch) => crossEntropy(model.forward(batch['x']!), batch['y']!),
  // Training: the backward pass runs two convolutions per forward one (dX and dW): 3× forward.
  flops: (config) => ({ forward: forwardFlops(config), train: 3 * forwardFlops(config) }),
  units: (config) => ({ count: config.batchSize, unit: 'samples' }),
  trainCheck: { steps: 60, lr: 2e-2, maxRatio: 0.85 },
  invariants: [rowsIndependentInEval<CNNConfig>()],
});
