// Helpers shared by the unary op files (not re-exported from the public entry): attribute
// defaults (used identically by `infer` and the ref kernels), attribute validation, the ELU-family
// gradient and check-value generators that keep samples away from attribute-dependent kinks.
import type { TensorMeta } from '../../backend.js';
import type { CheckCase, ValueSource } from '../../check.js';
import { ValueError, fmtShape } from '../../errors.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { floatUnaryInfer } from '../infer.js';
import { exp } from './exp.js';

// SELU constants (Klambauer et al. 2017, "Self-Normalizing Neural Networks"), as in torch.
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

export const leakyReluSlope = (a: { negativeSlope?: number }): number => a.negativeSlope ?? 0.01;
export const eluAlpha = (a: { alpha?: number }): number => a.alpha ?? 1;
export const softplusParams = (a: { beta?: number; threshold?: number }) => ({ beta: a.beta ?? 1, threshold: a.threshold ?? 20 });
export const hardtanhBounds = (a: { minVal?: number; maxVal?: number }) => ({ minVal: a.minVal ?? -1, maxVal: a.maxVal ?? 1 });
export const geluApproximate = (a: { approximate?: 'none' | 'tanh' }): 'none' | 'tanh' => a.approximate ?? 'none';

/** A bad attribute value: `celu: alpha 0 for x (2,3): must be nonzero (celu divides by alpha)`. */
export function attrError(op: string, attr: string, x: TensorMeta, what: string): ValueError {
  return new ValueError(op, `${attr} for x ${fmtShape(x.shape)}: ${what}`);
}

/** ValueError unless `v` is a number that is not NaN (±Infinity is allowed only with `infinite`). */
export function requireNumberAttr(op: string, name: string, v: unknown, x: TensorMeta, infinite = false): void {
  if (typeof v !== 'number' || Number.isNaN(v) || (!infinite && !Number.isFinite(v))) {
    throw attrError(op, `${name} ${String(v)}`, x, infinite ? 'must be a number (not NaN)' : 'must be a finite number');
  }
}

/** Inference for a float-only unary op whose attributes are checked by `validate` after the input. */
export function floatUnaryAttrInfer<A>(op: string, validate: (attrs: A, x: TensorMeta) => void) {
  const base = floatUnaryInfer(op);
  return (inputs: readonly TensorMeta[], attrs: A): TensorMeta[] => {
    const out = base(inputs);
    validate(attrs, inputs[0]!);
    return out;
  };
}

/**
 * Gradient of the ELU family f(x) = x > 0 ? scale·x : scale·alpha·(e^{x·inScale} - 1):
 *   f'(x) = x > 0 ? scale : scale·alpha·inScale·e^{x·inScale}.
 * NOTE: e^x is taken of where(x > 0, 0, x) so the unused branch never overflows to inf (an inf
 * there would turn into NaN in second derivatives: 0·inf).
 */
export function eluGrad(x: Tensor, dOut: Tensor, alpha: number, scale: number, inScale: number): Tensor {
  const pos = gt(x, 0);
  const e = exp(mul(where(pos, 0, x), inScale));
  return where(pos, scale === 1 ? dOut : mul(dOut, scale), mul(dOut, mul(e, scale * alpha * inScale)));
}

/**
 * A check `values` hook for one float input: uniform in [low, high] and at least `margin` away
 * from every kink of the case (kinks may depend on the attributes, e.g. hardtanh's bounds).
 */
export function valuesAwayFrom<A>(low: number, high: number, kinks: (attrs: A) => readonly number[], margin = 0.1) {
  return (c: CheckCase<A>, src: ValueSource): number[][] => {
    const avoid = kinks(c.attrs);
    const draw = (): number => {
      for (;;) {
        const x = low + (high - low) * src.uniform();
        if (avoid.every((k) => Math.abs(x - k) >= margin)) return x;
      }
    };
    return [Array.from({ length: sizeOf(c.shapes[0]!) }, draw)];
  };
}
