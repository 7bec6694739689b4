// The VJP of a fused op taken through its decomposition. A fused backward op (layer_norm_backward,
// attention_backward, sinkhorn_backward, ...) has a kernel for speed and a `decompose` written with
// other ops (the oracle); its own VJP, needed only for second derivatives, is the reverse pass over
// that decomposition. When the caller records (createGraph) the result stays differentiable.
import { gradients } from '../autograd.js';
import { isGradEnabled, withGradMode } from '../gradmode.js';
import type { AnyOp, VjpContext } from '../op.js';
import type { Tensor } from '../tensor.js';

/**
 * d/d(inputs) of sum_k <dOuts[k], op(inputs)[k]>, computed by differentiating op.decompose.
 * Inputs that do not require grad get null (as every VJP may return for them).
 */
export function vjpViaDecompose<A>(op: AnyOp, ctx: VjpContext<A>): (Tensor | null)[] {
  if (!op.decompose) throw new Error(`${op.name}: vjpViaDecompose needs a decompose`);
  const recording = isGradEnabled();
  // Not recording: differentiate fresh leaves that share the inputs' buffers, so nothing reaches
  // the caller's graph. Recording: use the inputs themselves, so the result links back to them.
  const ins = recording ? ctx.inputs : ctx.inputs.map((x) => x.detach().requireGrad(x.requiresGrad));
  return withGradMode(true, () => {
    const outs = op.decompose!(ins, ctx.attrs);
    const used = outs.map((o, k) => [o, ctx.dOuts[k]!] as const).filter(([o]) => o.requiresGrad);
    if (used.length === 0) return ins.map(() => null);
    const gs = gradients(used.map(([o]) => o), used.map(([, d]) => d), ins, { createGraph: recording });
    return gs.map((g, i) => (ctx.inputs[i]!.requiresGrad ? g : null));
  });
}
