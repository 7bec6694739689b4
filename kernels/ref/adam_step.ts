import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { adamScalars, type AdamStepAttrs } from '../../engine/ops/optim/adam_step.js';
import type { RefKernel } from './types.js';

// Per element, in float64 (engine/ops/optim/adam_step.ts has the formula):
//   m' = β1·m + (1-β1)·g;  v' = β2·v + (1-β2)·g²;  v̂ = amsgrad ? max(v̂, v') : v'
//   p' = p·decay - stepSize · m' / (sqrt(v̂)/sqrt(1-β2^t) + eps)
export const adamStep: RefKernel<AdamStepAttrs> = ([p, g, m, v, vMax], a, outs) => {
  const n = p!.data.length;
  const [pOut, mOut, vOut] = outs.slice(0, 3).map((o) => allocArray(o.dtype, n)) as [TypedArray, TypedArray, TypedArray];
  const vMaxOut = a.amsgrad ? allocArray(outs[3]!.dtype, n) : null;
  const { stepSize, bc2Sqrt } = adamScalars(a);
  const l2 = a.weightDecay !== 0 && !a.decoupled;
  const decay = a.weightDecay !== 0 && a.decoupled ? 1 - a.lr * a.weightDecay : 1;
  for (let i = 0; i < n; i++) {
    const pi = p!.data[i]!;
    let gi = a.maximize ? -g!.data[i]! : g!.data[i]!;
    if (l2) gi += pi * a.weightDecay;
    const mi = m!.data[i]! * a.beta1 + gi * (1 - a.beta1);
    const vi = v!.data[i]! * a.beta2 + gi * gi * (1 - a.beta2);
    let vHat = vi;
    if (vMaxOut) {
      vHat = Math.max(vMax!.data[i]!, vi); // NaN propagates, as maximum does
      vMaxOut[i] = vHat;
    }
    mOut[i] = mi;
    vOut[i] = vi;
    pOut[i] = pi * decay - (mi / (Math.sqrt(vHat) / bc2Sqrt + a.eps)) * stepSize;
  }
  return vMaxOut ? [pOut, mOut, vOut, vMaxOut] : [pOut, mOut, vOut];
};
