// Fused optimizer steps (native/src/optim.cc): one threaded pass over the flat float32 arrays.
// Absent state (momentum off, first step, no amsgrad) goes to C++ as an empty array.
import { adamScalars, type AdamStepAttrs } from '../../engine/ops/optim/adam_step.js';
import { sgdHasBufferInput, type SgdStepAttrs } from '../../engine/ops/optim/sgd_step.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc, param } from './util.js';

const NONE = new Float32Array(0);
const f32 = (x: { data: unknown } | undefined): Float32Array => (x ? (x.data as Float32Array) : NONE);

export const sgdStep: NativeKernel<SgdStepAttrs> = ([p, g, buf], a, outs) => {
  const [pOut, bufOut] = outs.map(alloc) as Float32Array[];
  const flags = (a.maximize ? 1 : 0) | (a.nesterov ? 2 : 0) | (a.momentum !== 0 ? 4 : 0) | (a.first ? 8 : 0);
  addon().sgdStep(f32(p), f32(g), sgdHasBufferInput(a) ? f32(buf) : NONE, pOut!, bufOut ?? NONE, param(a.lr), param(a.momentum), a.dampening, param(a.weightDecay), flags);
  return bufOut ? [pOut!, bufOut] : [pOut!];
};

export const adamStep: NativeKernel<AdamStepAttrs> = ([p, g, m, v, vMax], a, outs) => {
  const [pOut, mOut, vOut, vMaxOut] = outs.map(alloc) as Float32Array[];
  const { stepSize, bc2Sqrt } = adamScalars(a);
  const decay = a.decoupled && a.weightDecay !== 0 ? 1 - a.lr * a.weightDecay : 1;
  const scalars = Float32Array.from([a.weightDecay, decay, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, stepSize, bc2Sqrt].map(param));
  const flags = (a.maximize ? 1 : 0) | (a.amsgrad ? 2 : 0) | (!a.decoupled && a.weightDecay !== 0 ? 4 : 0);
  addon().adamStep(f32(p), f32(g), f32(m), f32(v), a.amsgrad ? f32(vMax) : NONE, pOut!, mOut!, vOut!, vMaxOut ?? NONE, scalars, flags);
  return vMaxOut ? [pOut!, mOut!, vOut!, vMaxOut] : [pOut!, mOut!, vOut!];
};
