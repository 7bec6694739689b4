// The normalization ops written with other ops: their decompositions (the second oracle) and
// their VJPs. Everything here is differentiable again, so second derivatives work.
// (Separate from norm-util.ts, which the ref kernels import: kernels stay free of autodiff.)
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { unbroadcast } from '../grad-util.js';
import { reshape } from '../movement/reshape.js';
import { mean } from '../reduce/mean.js';
import { rsqrt } from '../unary/rsqrt.js';
import { square } from '../unary/square.js';
import type { NormPlan } from './norm-util.js';

const view = (t: Tensor, shape: readonly number[]): Tensor => (sameShape(t.shape, shape) ? t : reshape(t, shape));

/**
 * x viewed as plan.view, normalized over plan.axes:
 *   layer:  rstd = 1 / sqrt(mean((x - mean(x))^2) + eps), xhat = (x - mean(x)) * rstd
 *   rms:    rstd = 1 / sqrt(mean(x^2) + eps),             xhat = x * rstd
 * Both in the view shape, rstd with keepdims.
 */
export function normStats(x: Tensor, plan: NormPlan, eps: number, rms: boolean): { xhat: Tensor; rstd: Tensor } {
  const axes = [...plan.axes];
  const xv = view(x, plan.view);
  const centred = rms ? xv : sub(xv, mean(xv, { axes, keepdims: true }));
  const rstd = rsqrt(add(mean(square(centred), { axes, keepdims: true }), eps));
  return { xhat: mul(centred, rstd), rstd };
}

/** The affine parameters present (see norm-util affineInputs). */
export interface Affine {
  weight?: Tensor | undefined;
  bias?: Tensor | undefined;
}

/** y = xhat * weight + bias (either may be absent), in x's shape. */
export function normForward(x: Tensor, { weight, bias }: Affine, plan: NormPlan, eps: number, rms: boolean): Tensor {
  let y = view(normStats(x, plan, eps, rms).xhat, x.shape);
  if (weight) y = mul(y, view(weight, plan.paramView));
  if (bias) y = add(y, view(bias, plan.paramView));
  return y;
}

/**
 * Gradients of normForward, with g = dOut * weight (the gradient of xhat), means over plan.axes:
 *   layer: dX = rstd * (g - mean(g) - xhat * mean(g * xhat))
 *   rms:   dX = rstd * (g - xhat * mean(g * xhat))
 *   dWeight = sum(dOut * xhat) and dBias = sum(dOut) over everything but the parameter dims.
 */
export function normVjp(x: Tensor, { weight, bias }: Affine, dOut: Tensor, plan: NormPlan, eps: number, rms: boolean): (Tensor | null)[] {
  const axes = [...plan.axes];
  const { xhat, rstd } = normStats(x, plan, eps, rms);
  const g = view(weight ? mul(dOut, view(weight, plan.paramView)) : dOut, plan.view);
  const proj = mul(xhat, mean(mul(g, xhat), { axes, keepdims: true }));
  const inner = sub(rms ? g : sub(g, mean(g, { axes, keepdims: true })), proj);
  const dX = view(mul(rstd, inner), x.shape);
  const param = (t: Tensor) => view(unbroadcast(t, plan.paramView), plan.paramShape);
  const dW = weight ? param(mul(dOut, view(xhat, x.shape))) : null;
  const dB = bias ? param(dOut) : null;
  return [dX, ...(weight ? [dW] : []), ...(bias ? [dB] : [])];
}
