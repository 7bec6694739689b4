// Reverse-mode autodiff over the recorded graph. VJPs are written with ops, so running them with
// recording on (createGraph) yields a differentiable gradient: grad(grad(f)) works.
import { StateError, fmtShape } from './errors.js';
import { isGradEnabled, withGradMode } from './gradmode.js';
import { add } from './ops/binary/add.js';
import { cast } from './ops/linalg/cast.js';
import { onesLike, zerosLike } from './creation.js';
import { keep } from './scope.js';
import { sameShape } from './shape.js';
import type { GraphNode, Tensor } from './tensor.js';

export interface GradientOptions {
  /** Record the gradient computation so it can be differentiated again. */
  createGraph?: boolean;
}

/** Nodes reachable from `roots` through tensors that require grad, latest first. */
function reachableNodes(roots: readonly Tensor[]): GraphNode[] {
  const seen = new Set<GraphNode>();
  const stack = roots.filter((t) => t.node).map((t) => t.node!);
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const t of n.inputs) if (t.requiresGrad && t.node && !seen.has(t.node)) stack.push(t.node);
  }
  return [...seen].sort((a, b) => b.id - a.id);
}

function runVjp(node: GraphNode, grads: Map<Tensor, Tensor>): void {
  const dOuts = node.outputs.map((o) => grads.get(o) ?? null);
  if (dOuts.every((g) => g === null)) return;
  const filled = dOuts.map((g, i) => g ?? zerosLike(node.outputs[i]!));
  const res = node.op.vjp!({ inputs: node.inputs, outputs: node.outputs, dOut: filled[0]!, dOuts: filled, attrs: node.attrs });
  node.inputs.forEach((x, i) => {
    let g = res[i] ?? null;
    if (!x.requiresGrad || g === null) return;
    if (!sameShape(g.shape, x.shape)) {
      throw new StateError(node.op.name, `vjp returned a gradient of shape ${fmtShape(g.shape)} for input ${i} of shape ${fmtShape(x.shape)}`);
    }
    if (g.dtype !== x.dtype) g = cast(g, x.dtype);
    const prev = grads.get(x);
    grads.set(x, prev ? add(prev, g) : g);
  });
}

/**
 * Gradients of sum_k <dOutputs[k], outputs[k]> with respect to `wrt` (torch.autograd.grad).
 * Returns null for a tensor the outputs do not depend on.
 */
export function gradients(outputs: readonly Tensor[], dOutputs: readonly Tensor[], wrt: readonly Tensor[], opts: GradientOptions = {}): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const grads = new Map<Tensor, Tensor>();
  outputs.forEach((y, k) => {
    const d = dOutputs[k]!;
    if (!sameShape(d.shape, y.shape)) throw new StateError('backward', `upstream gradient ${fmtShape(d.shape)} does not match output ${fmtShape(y.shape)}`);
    if (!y.requiresGrad) return;
    const prev = grads.get(y);
    grads.set(y, prev ? add(prev, d) : d);
  });
  withGradMode(createGraph && isGradEnabled(), () => {
    for (const node of reachableNodes(outputs)) runVjp(node, grads);
  });
  return wrt.map((t) => grads.get(t) ?? null);
}

/** Leaves (requiresGrad, no producing node) reachable from `root`. */
function reachableLeaves(root: Tensor): Tensor[] {
  const leaves = new Set<Tensor>();
  if (root.isLeaf && root.requiresGrad) leaves.add(root);
  for (const n of reachableNodes([root])) for (const t of n.inputs) if (t.requiresGrad && t.isLeaf) leaves.add(t);
  return [...leaves];
}

/** Accumulates d(root)/d(leaf) into leaf.grad for every leaf that requires grad. */
export function backward(root: Tensor, dOut?: Tensor, opts: GradientOptions = {}): void {
  if (!root.requiresGrad) throw new StateError('backward', `tensor of shape ${fmtShape(root.shape)} does not require grad (no input of its graph has requiresGrad)`);
  if (!dOut && root.size !== 1) throw new StateError('backward', `output of shape ${fmtShape(root.shape)} is not a scalar; pass the upstream gradient dOut`);
  const leaves = reachableLeaves(root);
  const gs = gradients([root], [dOut ?? onesLike(root)], leaves, opts);
  withGradMode(opts.createGraph ?? false, () => {
    leaves.forEach((leaf, i) => {
      const g = gs[i];
      if (!g) return;
      leaf.grad = keep(leaf.grad ? add(leaf.grad, g) : g);
    });
  });
}

type TensorFn = (...args: Tensor[]) => Tensor;

/**
 * valueAndGrad(f, argnums)(...args) = [f(...args), gradients w.r.t. args[argnums]] (jax.value_and_grad).
 * When an argument already requires grad (an outer grad is tracing), the gradient is itself
 * differentiable, which is how grad(grad(f)) works.
 */
export function valueAndGrad(f: TensorFn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => [Tensor, Tensor[]] {
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  return (...args) => {
    for (const i of nums) if (!args[i]) throw new StateError('grad', `argnum ${i} is out of range for ${args.length} arguments`);
    const xs = args.map((a, i) => (nums.includes(i) && !a.requiresGrad ? a.detach().requireGrad() : a));
    const y = withGradMode(true, () => f(...xs));
    if (y.size !== 1) throw new StateError('grad', `f must return a one-element tensor; got shape ${fmtShape(y.shape)}`);
    const wrt = nums.map((i) => xs[i]!);
    // The gradient must itself be differentiable when f depends on a tensor an outer grad traces:
    // an argument that already required grad, or any other leaf requiring grad that f closed over.
    const fresh = new Set(xs.filter((x, i) => x !== args[i]));
    const outer = isGradEnabled() && reachableLeaves(y).some((leaf) => !fresh.has(leaf));
    const gs = y.requiresGrad ? gradients([y], [onesLike(y)], wrt, { createGraph: outer }) : wrt.map(() => null);
    return [y, gs.map((g, k) => g ?? zerosLike(wrt[k]!))];
  };
}

/** grad(f)(x) = df/dx for scalar f (jax.grad); with an array of argnums, one gradient per argnum. */
export function grad(f: TensorFn, argnums: number = 0): (...args: Tensor[]) => Tensor {
  const vg = valueAndGrad(f, argnums);
  return (...args) => vg(...args)[1][0]!;
}
