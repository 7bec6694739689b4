// A small MLP (4 → 16 → 3, ReLU, cross-entropy on 32 random points) trained for a few optimizer
// steps on one backend, recording the loss and the backend's live-buffer count after each step:
// once the optimizer's state exists, every step must free what it allocates.
import { Generator, Linear, backward, crossEntropy, getBackend, randint, randn, relu, tidy, type Tensor } from '../../engine/index.js';

export interface StepTrace {
  /** The loss before each step's update. */
  losses: number[];
  /** The backend's live buffers after each step. */
  live: number[];
}

export async function traceMlpSteps(
  backend: string, seed: number, steps: number, makeOptimizer: (params: Tensor[]) => { zeroGrad(): void; step(): void },
): Promise<StepTrace> {
  const b = getBackend(backend);
  const on = { backend };
  const gen = new Generator(seed);
  const l1 = new Linear(4, 16, { ...on, gen }), l2 = new Linear(16, 3, { ...on, gen });
  const opt = makeOptimizer([...l1.parameters(), ...l2.parameters()]);
  const x = randn([32, 4], { ...on, gen });
  const target = randint([32], 0, 3, { ...on, gen });
  const live: number[] = [], losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const loss = tidy(() => {
      const l = crossEntropy(l2.forward(relu(l1.forward(x))), target);
      backward(l);
      return l.detach();
    });
    losses.push((await loss.data())[0]!);
    loss.dispose();
    opt.step();
    live.push(b.memory().liveBuffers);
  }
  return { losses, live };
}
