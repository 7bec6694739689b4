// One Adam / AdamW update of one parameter at step t, fused (torch.optim.Adam's _single_tensor_adam
// and AdamW's _single_tensor_adamw). Elementwise:
//   g ← -g if maximize
//   decoupled (AdamW): p ← p·(1 - lr·weightDecay);   else g ← g + weightDecay·p   (L2 penalty)
//   m ← β1·m + (1 - β1)·g;   v ← β2·v + (1 - β2)·g²;   amsgrad: v̂ ← max(v̂, v), else v̂ = v
//   p ← p - (lr / (1 - β1^t)) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)
// Inputs p, g, m, v (and v̂ with amsgrad); outputs p', m', v' (and v̂').
// Paper: Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015; AMSGrad: Reddi, Kale &
// Kumar, ICLR 2018; AdamW: Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019.
import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F, fIn } from '../../check.js';
import { apply } from '../../dispatch.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { div } from '../binary/div.js';
import { maximum } from '../binary/maximum.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { bytesOf } from '../infer.js';
import { neg } from '../unary/neg.js';
import { sqrt } from '../unary/sqrt.js';
import { square } from '../unary/square.js';
import { NONNEGATIVE, optimCases, requireBool, requireFiniteAtLeast, requireLikeParam } from './util.js';

export interface AdamStepAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights (p·(1 - lr·wd)) instead of adding wd·p to the gradient. */
  decoupled: boolean;
  amsgrad: boolean;
  maximize: boolean;
  /** 1-based count of this update, for the bias corrections 1 - β^t. */
  step: number;
}

/** The scalars of the update: the step size lr / (1 - β1^t) and sqrt(1 - β2^t). */
export function adamScalars(a: AdamStepAttrs): { stepSize: number; bc2Sqrt: number } {
  return { stepSize: a.lr / (1 - a.beta1 ** a.step), bc2Sqrt: Math.sqrt(1 - a.beta2 ** a.step) };
}

function adamStepInfer(inputs: readonly TensorMeta[], a: AdamStepAttrs): TensorMeta[] {
  const op = 'adam_step';
  requireFiniteAtLeast(op, 'lr', a.lr, 0);
  requireFiniteAtLeast(op, 'eps', a.eps, 0);
  requireFiniteAtLeast(op, 'weightDecay', a.weightDecay, 0);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(typeof a[k] === 'number' && a[k] >= 0 && a[k] < 1)) throw new ValueError(op, `${k} ${String(a[k])} must lie in [0, 1)`);
  }
  for (const k of ['decoupled', 'amsgrad', 'maximize'] as const) requireBool(op, k, a[k]);
  if (!(Number.isSafeInteger(a.step) && a.step >= 1)) throw new ValueError(op, `step ${String(a.step)} must be a positive integer (the 1-based update count)`);
  const p = requireLikeParam(op, inputs, a.amsgrad ? ['p', 'g', 'm', 'v', 'vMax'] : ['p', 'g', 'm', 'v']);
  return inputs.slice(0, a.amsgrad ? 4 : 3).map(() => ({ ...p }));
}

/** The update written with elementwise ops: the decomposition, and a second oracle. */
export function adamStepOps(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, vMax: Tensor | null, a: AdamStepAttrs): Tensor[] {
  let g = a.maximize ? neg(grad) : grad;
  let base = p;
  if (a.weightDecay !== 0) {
    if (a.decoupled) base = mul(p, 1 - a.lr * a.weightDecay);
    else g = add(g, mul(p, a.weightDecay));
  }
  const m1 = add(mul(m, a.beta1), mul(g, 1 - a.beta1));
  const v1 = add(mul(v, a.beta2), mul(square(g), 1 - a.beta2));
  const vHat = a.amsgrad ? maximum(vMax!, v1) : v1;
  const { stepSize, bc2Sqrt } = adamScalars(a);
  const denom = add(div(sqrt(vHat), bc2Sqrt), a.eps);
  const pNew = sub(base, mul(div(m1, denom), stepSize));
  return a.amsgrad ? [pNew, m1, v1, vHat] : [pNew, m1, v1];
}

const attrs: fc.Arbitrary<AdamStepAttrs> = fc.record({
  lr: fc.constantFrom(0, 1e-3, 0.05, 0.5),
  beta1: fc.constantFrom(0, 0.9),
  beta2: fc.constantFrom(0.5, 0.999),
  eps: fc.constantFrom(1e-8, 1e-3),
  weightDecay: fc.constantFrom(0, 0, 1e-2, 0.5),
  decoupled: fc.boolean(),
  amsgrad: fc.boolean(),
  maximize: fc.boolean(),
  step: fc.constantFrom(1, 2, 10, 1000),
});

export const adamStepOp = defineOp({
  name: 'adam_step',
  family: 'optim',
  doc: "one fused Adam/AdamW update: m' = β1·m + (1-β1)·g, v' = β2·v + (1-β2)·g², p' = p - lr/(1-β1^t) · m' / (sqrt(v̂)/sqrt(1-β2^t) + eps); no gradient",
  infer: adamStepInfer,
  decompose: ([p, g, m, v, vMax], a) => adamStepOps(p!, g!, m!, v!, vMax ?? null, a),
  check: { cases: optimCases(attrs, (a) => (a.amsgrad ? 5 : 4)), inputs: [F, F, F, fIn(NONNEGATIVE), fIn(NONNEGATIVE)], secondOrder: false },
  // About 16 flops per element (decay, two moment FMAs, square, max, sqrt, two divides, add, step FMA).
  cost: (inputs, outputs) => ({ flops: 16 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** One Adam/AdamW update of `p`: the new parameter and moments (vMax null unless amsgrad). */
export function adamStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, vMax: Tensor | null, a: AdamStepAttrs): { p: Tensor; m: Tensor; v: Tensor; vMax: Tensor | null } {
  const [pNew, mNew, vNew, vMaxNew] = apply(adamStepOp, vMax ? [p, g, m, v, vMax] : [p, g, m, v], a);
  return { p: pNew!, m: mNew!, v: vNew!, vMax: vMaxNew ?? null };
}
