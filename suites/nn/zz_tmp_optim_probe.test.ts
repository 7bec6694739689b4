import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { Adadelta, Adagrad, Adam, AdamW, Lion, RMSprop, Rprop, SGD, backward, matmul, mul, sub, sum, tensor, tidy, type Tensor } from '../../engine/index.js';
const traj = JSON.parse(readFileSync('/tmp/traj2.json', 'utf8')) as Record<string, number[][]>;
const mk: Record<string, (ps: Tensor[]) => { zeroGrad(): void; step(): void }> = {
  sgd: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.05 }),
  sgdn: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true }),
  rprop: (ps) => new Rprop(ps, { lr: 0.7, etas: [0.5, 1.2], stepSizes: [1e-6, 0.9] }),
  rprop_max: (ps) => new Rprop(ps, { lr: 0.1, maximize: true }),
  rms: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, eps: 1e-6, centered: true, momentum: 0.5, weightDecay: 0.1 }),
  adagrad: (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.1, weightDecay: 0.1 }),
  adadelta: (ps) => new Adadelta(ps, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0.1 }),
  adam: (ps) => new Adam(ps, { lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.1, amsgrad: true }),
  adam_max: (ps) => new Adam(ps, { lr: 0.1, maximize: true }),
  adamw: (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.1, amsgrad: true }),
  lion: (ps) => new Lion(ps, { lr: 0.1, betas: [0.9, 0.99], weightDecay: 0.1 }),
};
test('probe', () => {
  for (const [k, want] of Object.entries(traj)) {
    const x = tensor([1, 2], { dtype: 'float64' }).requireGrad();
    const A = tensor([[3, 1], [1, 2]], { dtype: 'float64' }), b = tensor([1, -1], { dtype: 'float64' });
    const opt = mk[k]!([x]);
    let worst = 0;
    for (let t = 0; t < want.length; t++) {
      opt.zeroGrad();
      tidy(() => backward(sub(mul(sum(mul(x, matmul(A, x))), 0.5), sum(mul(b, x)))));
      opt.step();
      const v = x.dataSync();
      worst = Math.max(worst, ...[0, 1].map((i) => Math.abs(v[i]! - want[t]![i]!) / Math.max(1, Math.abs(want[t]![i]!))));
    }
    console.log('P', k, worst.toExponential(2));
  }
});
