// Deterministic memory release: tidy(fn) disposes every tensor created inside fn that is neither
// returned (with the autodiff graph behind it) nor kept. Tensors created outside any scope live
// until dispose() (or, on ref/native, until garbage collection).
import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

export function trackTensor(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Removes `t` from every open scope so it outlives them (e.g. gradients stored on leaves). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<Tensor>, isTensor: (v: unknown) => v is Tensor): void {
  if (isTensor(value)) {
    if (out.has(value)) return;
    out.add(value);
    if (value.grad) collect(value.grad, out, isTensor);
    const node = value.node;
    if (node) {
      for (const t of node.inputs) collect(t, out, isTensor);
      for (const t of node.outputs) collect(t, out, isTensor);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out, isTensor);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, isTensor);
  }
}

let isTensorFn: ((v: unknown) => v is Tensor) | null = null;
/** Set once by engine/index to avoid an import cycle with tensor.ts. */
export function setTensorPredicate(fn: (v: unknown) => v is Tensor): void {
  isTensorFn = fn;
}

export function tidy<R>(fn: () => R): R {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: R;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  const kept = new Set<Tensor>();
  collect(result, kept, isTensorFn!);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}
