// Dispatch: validate through the op's `infer`, run the backend kernel or the op's decomposition,
// and record the application for autodiff. Never falls back to another device.
import type { Backend, KernelArg, TensorMeta } from './backend.js';
import { isFloat } from './dtype.js';
import { BackendError, fmtShape } from './errors.js';
import { isGradEnabled } from './gradmode.js';
import type { AnyOp, OpDef } from './op.js';
import { sameShape } from './shape.js';
import { Tensor, type GraphNode } from './tensor.js';

let nextNodeId = 0;
let strict = false;
const fallbacks = new Map<string, number>();

/** In strict mode a missing kernel is an error instead of a fallback to the decomposition. */
export function setStrict(on: boolean): void {
  strict = on;
}

/** How often each `backend:op` ran through its decomposition since the last reset. */
export function fallbackCounts(): ReadonlyMap<string, number> {
  return fallbacks;
}
export function resetFallbackCounts(): void {
  fallbacks.clear();
}

function commonBackend(op: string, inputs: readonly Tensor[]): Backend {
  const b = inputs[0]!.backend;
  for (const t of inputs) {
    if (t.backend !== b) {
      throw new BackendError(op, `inputs live on different backends (${b.name} and ${t.backend.name}); move them with to() first`);
    }
  }
  return b;
}

function runKernel(def: AnyOp, backend: Backend, inputs: readonly Tensor[], attrs: unknown, outs: TensorMeta[]): Tensor[] {
  const args: KernelArg[] = inputs.map((t) => ({ storage: t.storage(def.name), shape: t.shape, dtype: t.dtype }));
  const storages = backend.run(def.name, args, attrs, outs);
  if (storages) return storages.map((s, i) => new Tensor(s, outs[i]!, backend));
  if (!def.decompose) throw new BackendError(def.name, `backend '${backend.name}' has no kernel and the op has no decomposition`);
  if (strict) throw new BackendError(def.name, `backend '${backend.name}' has no kernel (strict mode forbids the decomposition fallback)`);
  const key = `${backend.name}:${def.name}`;
  fallbacks.set(key, (fallbacks.get(key) ?? 0) + 1);
  const res = def.decompose(inputs, attrs);
  res.forEach((t, i) => {
    const o = outs[i]!;
    if (!sameShape(t.shape, o.shape) || t.dtype !== o.dtype) {
      throw new BackendError(def.name, `decomposition produced ${fmtShape(t.shape)} ${t.dtype} but inference says ${fmtShape(o.shape)} ${o.dtype}`);
    }
  });
  return res;
}

/** Applies an op to tensors; returns all outputs. */
export function apply<A>(def: OpDef<string, A>, inputs: readonly Tensor[], attrs: A): Tensor[] {
  if (inputs.length === 0) throw new BackendError(def.name, 'needs at least one tensor input');
  for (const t of inputs) t.storage(def.name);
  const backend = commonBackend(def.name, inputs);
  const outs = def.infer(inputs, attrs);
  const outputs = runKernel(def, backend, inputs, attrs, outs);
  if (def.vjp && isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    const node: GraphNode = { id: nextNodeId++, op: def, inputs: [...inputs], attrs, outputs };
    for (const o of outputs) {
      if (!isFloat(o.dtype)) continue;
      if (o.node === null) {
        o.node = node;
        o.requiresGrad = true;
      } else {
        // The decomposition already recorded its own graph: gradients flow through it.
      }
    }
  }
  return outputs;
}

/** Applies a single-output op. */
export function apply1<A>(def: OpDef<string, A>, inputs: readonly Tensor[], attrs: A): Tensor {
  return apply(def, inputs, attrs)[0]!;
}
