import { allocArray } from '../../engine/dtype.js';
import type { SgdStepAttrs } from '../../engine/ops/optim/sgd_step.js';
import type { RefKernel } from './types.js';

// Per element, in float64 (engine/ops/optim/sgd_step.ts has the formula):
//   d = ±g + wd·p;  b' = first ? d : μ·b + (1-τ)·d;  p' = p - lr·(nesterov ? d + μ·b' : b')
export const sgdStep: RefKernel<SgdStepAttrs> = ([p, g, buf], a, [op, ob]) => {
  const n = p!.data.length;
  const pOut = allocArray(op!.dtype, n);
  const bOut = ob ? allocArray(ob.dtype, n) : null;
  for (let i = 0; i < n; i++) {
    const pi = p!.data[i]!;
    let d = a.maximize ? -g!.data[i]! : g!.data[i]!;
    if (a.weightDecay !== 0) d += pi * a.weightDecay;
    if (bOut) {
      const b = a.first ? d : buf!.data[i]! * a.momentum + d * (1 - a.dampening);
      bOut[i] = b;
      d = a.nesterov ? d + b * a.momentum : b;
    }
    pOut[i] = pi - d * a.lr;
  }
  return bOut ? [pOut, bOut] : [pOut];
};
