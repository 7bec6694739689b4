// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_): rewrites the .grad of
// the given parameters in place (Tensor.assign when the gradient is a leaf); parameters whose
// grad is null are skipped.
import { scalar } from '../../creation.js';
import { ValueError } from '../../errors.js';
import { noGrad } from '../../gradmode.js';
import { add } from '../../ops/binary/add.js';
import { clamp } from '../../ops/binary/clamp.js';
import { div } from '../../ops/binary/div.js';
import { mul } from '../../ops/binary/mul.js';
import { pow } from '../../ops/binary/pow.js';
import { cast } from '../../ops/linalg/cast.js';
import { stack } from '../../ops/movement/stack.js';
import { max } from '../../ops/reduce/max.js';
import { sum } from '../../ops/reduce/sum.js';
import { abs } from '../../ops/unary/abs.js';
import { sqrt } from '../../ops/unary/sqrt.js';
import { square } from '../../ops/unary/square.js';
import { keep, tidy } from '../../scope.js';
import { Tensor } from '../../tensor.js';

/** ‖x‖_p over all elements: p = Infinity is max |x|, p = 2 and 1 have their own forms. */
function pNorm(x: Tensor, p: number): Tensor {
  if (p === Infinity) return max(abs(x));
  if (p === 2) return sqrt(sum(square(x)));
  if (p === 1) return sum(abs(x));
  return pow(sum(pow(abs(x), p)), 1 / p);
}

/** Replaces the gradient of `p` with `next` (in place when the gradient is a leaf). */
function setGrad(p: Tensor, next: Tensor): void {
  const g = p.grad!;
  const value = next.dtype === g.dtype ? next : cast(next, g.dtype);
  if (g.isLeaf) g.assign(value);
  else p.grad = keep(value);
}

/**
 * Scales the gradients so that their global p-norm is at most maxNorm, and returns the total
 * norm before clipping as a 0-d tensor (torch.nn.utils.clip_grad_norm_):
 *   total = ‖(‖g_1‖_p, ..., ‖g_k‖_p)‖_p      (= max_i max|g_i| for p = Infinity)
 *   g_i ← g_i · min(1, maxNorm / (total + 1e-6))
 * NOTE: like torch, the 1e-6 makes a gradient whose norm is just at maxNorm shrink very slightly.
 * Without any gradient the result is a float32 zero.
 */
export function clipGradNorm(params: Tensor | readonly Tensor[], maxNorm: number, normType = 2): Tensor {
  if (!(typeof maxNorm === 'number' && maxNorm >= 0)) throw new ValueError('clipGradNorm', `maxNorm ${maxNorm} must be a number >= 0`);
  if (!(typeof normType === 'number' && normType > 0)) throw new ValueError('clipGradNorm', `normType ${normType} must be > 0 (or Infinity)`);
  const ps = (params instanceof Tensor ? [params] : params).filter((p) => p.grad !== null);
  if (ps.length === 0) return scalar(0, params instanceof Tensor ? { backend: params.backend } : { backend: params[0]?.backend });
  return noGrad(() => {
    const total = tidy(() => {
      const grads = ps.map((p) => p.grad!).filter((g) => normType !== Infinity || g.size > 0);
      if (grads.length === 0) return scalar(0, { dtype: ps[0]!.grad!.dtype, backend: ps[0]!.backend });
      const norms = grads.map((g) => pNorm(g, normType));
      return norms.length === 1 ? norms[0]! : pNorm(stack(norms), normType);
    });
    tidy(() => {
      const coef = clamp(div(maxNorm, add(total, 1e-6)), { max: 1 });
      for (const p of ps) setGrad(p, mul(p.grad!, cast(coef, p.grad!.dtype)));
    });
    return total;
  });
}

/** Clamps every gradient element to [-clipValue, clipValue] (torch.nn.utils.clip_grad_value_). */
export function clipGradValue(params: Tensor | readonly Tensor[], clipValue: number): void {
  if (!(typeof clipValue === 'number' && clipValue >= 0)) throw new ValueError('clipGradValue', `clipValue ${clipValue} must be a number >= 0`);
  const ps = (params instanceof Tensor ? [params] : params).filter((p) => p.grad !== null);
  noGrad(() => tidy(() => {
    for (const p of ps) setGrad(p, clamp(p.grad!, { min: -clipValue, max: clipValue }));
  }));
}
