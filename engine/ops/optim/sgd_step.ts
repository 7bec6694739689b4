// One SGD update of one parameter, fused (torch.optim.SGD's _single_tensor_sgd). Elementwise:
//   g ← -g if maximize;  g ← g + weightDecay·p
//   momentum ≠ 0:  b ← g on the first step (torch starts the buffer at the gradient, undamped),
//                  else b ← momentum·b + (1 - dampening)·g;   g ← g + momentum·b if nesterov, else b
//   p ← p - lr·g
// Inputs p, g and, with momentum past the first step, b; outputs p' and, with momentum, b'.
// Paper (Nesterov form): Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply } from '../../dispatch.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { bytesOf } from '../infer.js';
import { neg } from '../unary/neg.js';
import { optimCases, requireBool, requireFiniteAtLeast, requireLikeParam } from './util.js';

export interface SgdStepAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /** The first update with momentum: the buffer starts as the gradient and is not an input. */
  first: boolean;
}

/** Whether the momentum buffer is an input (momentum on, past the first step). */
export const sgdHasBufferInput = (a: SgdStepAttrs): boolean => a.momentum !== 0 && !a.first;

function sgdStepInfer(inputs: readonly TensorMeta[], a: SgdStepAttrs): TensorMeta[] {
  const op = 'sgd_step';
  requireFiniteAtLeast(op, 'lr', a.lr, 0);
  requireFiniteAtLeast(op, 'momentum', a.momentum, 0);
  requireFiniteAtLeast(op, 'weightDecay', a.weightDecay, 0);
  requireFiniteAtLeast(op, 'dampening', a.dampening, -Number.MAX_VALUE);
  for (const k of ['nesterov', 'maximize', 'first'] as const) requireBool(op, k, a[k]);
  if (a.nesterov && (a.momentum <= 0 || a.dampening !== 0)) {
    throw new ValueError(op, `nesterov needs momentum > 0 and dampening 0 (got momentum ${a.momentum}, dampening ${a.dampening})`);
  }
  const p = requireLikeParam(op, inputs, sgdHasBufferInput(a) ? ['p', 'g', 'buf'] : ['p', 'g']);
  return a.momentum !== 0 ? [p, { ...p }] : [p];
}

/** The update written with elementwise ops: the decomposition, and a second oracle. */
export function sgdStepOps(p: Tensor, grad: Tensor, buf: Tensor | null, a: SgdStepAttrs): Tensor[] {
  let g = a.maximize ? neg(grad) : grad;
  if (a.weightDecay !== 0) g = add(g, mul(p, a.weightDecay));
  if (a.momentum === 0) return [sub(p, mul(g, a.lr))];
  const b = a.first ? mul(g, 1) : add(mul(buf!, a.momentum), mul(g, 1 - a.dampening));
  const d = a.nesterov ? add(g, mul(b, a.momentum)) : b;
  return [sub(p, mul(d, a.lr)), b];
}

const attrs: fc.Arbitrary<SgdStepAttrs> = fc
  .record({
    lr: fc.constantFrom(0, 1e-3, 0.05, 0.5),
    momentum: fc.constantFrom(0, 0, 0.5, 0.9),
    dampening: fc.constantFrom(0, 0, 0.25),
    weightDecay: fc.constantFrom(0, 0, 1e-2),
    nesterov: fc.boolean(),
    maximize: fc.boolean(),
    first: fc.boolean(),
  })
  .map((a) => ({ ...a, nesterov: a.nesterov && a.momentum > 0 && a.dampening === 0 }));

export const sgdStepOp = defineOp({
  name: 'sgd_step',
  family: 'optim',
  doc: "one fused SGD update (torch.optim.SGD): b' = μ·b + (1-τ)·g (b' = g first), p' = p - lr·(nesterov ? g + μ·b' : b'), g with weight decay and sign; no gradient",
  infer: sgdStepInfer,
  decompose: ([p, g, buf], a) => sgdStepOps(p!, g!, buf ?? null, a),
  check: { cases: optimCases(attrs, (a) => (sgdHasBufferInput(a) ? 3 : 2)), inputs: [F, F, F], secondOrder: false },
  // At most 8 flops per element (sign, decay FMA, momentum 3, nesterov FMA, step FMA); every operand read or written once.
  cost: (inputs, outputs) => ({ flops: 8 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/**
 * One SGD update of parameter `p` with gradient `g` and momentum buffer `buf` (null when momentum is
 * off or on the first step): the new parameter and the new buffer (null when momentum is off).
 */
export function sgdStep(p: Tensor, g: Tensor, buf: Tensor | null, a: SgdStepAttrs): { p: Tensor; buf: Tensor | null } {
  const [pNew, bNew] = apply(sgdStepOp, buf ? [p, g, buf] : [p, g], a);
  return { p: pNew!, buf: bNew ?? null };
}
