// Invariants shared by model families (each model lists the ones that hold for it in defineModel).
import { cast, isFloat, noGrad, slice, tidy, type Module, type Tensor } from '../engine/index.js';
import type { Invariant } from './model.js';

/** A model with a one-tensor forward (classifiers: x -> logits). */
export interface Forward extends Module {
  forward(x: Tensor): Tensor;
}

const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/**
 * In eval mode (running statistics, no dropout) each example is computed on its own: the outputs
 * for row b of a batch equal the outputs for row b fed alone. Fails when batch statistics or a
 * reshape mixes examples. Checked in float64 with a tolerance of 1e-12 relative to the outputs.
 */
export function rowsIndependentInEval<C>(input = 'x'): Invariant<C, Forward> {
  return {
    name: 'in eval mode each example of a batch is computed independently',
    check(ctx) {
      const model = ctx.build(undefined, { dtype: 'float64' }).eval();
      tidy(() => noGrad(() => {
        const raw = ctx.data.valBatches()[0]![input];
        if (!raw) throw new Error(`rowsIndependentInEval: the batch has no '${input}'`);
        const x = isFloat(raw.dtype) ? cast(raw, 'float64') : raw;
        const full = model.forward(x);
        const rows = Math.min(3, x.shape[0]!);
        const scale = maxAbs(full.dataSync()) || 1;
        for (let b = 0; b < rows; b++) {
          const alone = model.forward(slice(x, { starts: [b], ends: [b + 1] })).dataSync();
          const inBatch = slice(full, { starts: [b], ends: [b + 1] }).dataSync();
          const err = maxAbs(alone.map((v, i) => v - inBatch[i]!)) / scale;
          if (!(err <= 1e-12)) throw new Error(`row ${b} of a batch of ${x.shape[0]} differs from the same row alone by ${err.toExponential(2)} (relative)`);
        }
      }));
    },
  };
}
