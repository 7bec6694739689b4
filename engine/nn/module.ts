// Module: named parameters (stable dotted names such as `blocks.0.attn.qkv.weight`), buffers
// (running statistics), child modules, train/eval mode and state dicts (torch.nn.Module).
import { StateError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';

/** A state dict that does not fit a module: every problem is listed, nothing is loaded. */
export class StateDictError extends StateError {
  constructor(module: string, readonly problems: readonly string[]) {
    super('loadStateDict', `${module}: ${problems.join('; ')}`);
  }
}

export class Module {
  /** Training mode (dropout active, batch statistics); switch with train()/eval(). */
  training = true;
  private readonly params_ = new Map<string, Tensor>();
  private readonly buffers_ = new Map<string, Tensor>();
  private readonly children_ = new Map<string, Module>();

  /** Registers a leaf tensor as a trainable parameter under `name` (marks it requiresGrad). */
  protected param(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this.params_.set(name, t.requireGrad());
    return t;
  }

  /** Registers a non-trainable tensor saved in the state dict (e.g. running_mean). */
  protected buffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this.buffers_.set(name, t);
    return t;
  }

  /** Registers a child module under `name`. */
  protected module<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children_.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) throw new StateError(this.constructor.name, `'${name}' is not a valid member name (non-empty, no dots)`);
    if (this.params_.has(name) || this.buffers_.has(name) || this.children_.has(name)) {
      throw new StateError(this.constructor.name, `'${name}' is already registered`);
    }
  }

  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.children_;
  }

  /** Every (dotted name, parameter), depth first in registration order. */
  *namedParameters(prefix = ''): IterableIterator<[string, Tensor]> {
    for (const [n, p] of this.params_) yield [prefix + n, p];
    for (const [n, m] of this.children_) yield* m.namedParameters(`${prefix}${n}.`);
  }

  *namedBuffers(prefix = ''): IterableIterator<[string, Tensor]> {
    for (const [n, b] of this.buffers_) yield [prefix + n, b];
    for (const [n, m] of this.children_) yield* m.namedBuffers(`${prefix}${n}.`);
  }

  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  numParameters(): number {
    return this.parameters().reduce((acc, p) => acc + p.size, 0);
  }

  train(mode = true): this {
    this.training = mode;
    for (const [, m] of this.children_) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's accumulated gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Parameters and buffers by dotted name. The tensors are the module's own (not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies values from `sd` into this module's tensors. Everything is validated first (missing
   * and unexpected keys, shapes, dtypes); on any problem a StateDictError lists them all and no
   * tensor is changed.
   */
  loadStateDict(sd: Readonly<Record<string, Tensor>>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    const missing = Object.keys(own).filter((k) => !(k in sd));
    const unexpected = Object.keys(sd).filter((k) => !(k in own));
    if (strict && missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
    for (const [k, t] of Object.entries(own)) {
      const src = sd[k];
      if (!src) continue;
      if (src.shape.length !== t.shape.length || src.shape.some((d, i) => d !== t.shape[i])) {
        problems.push(`${k}: shape ${fmtShape(src.shape)} in the state dict, ${fmtShape(t.shape)} in the module`);
      } else if (src.dtype !== t.dtype) {
        problems.push(`${k}: dtype ${src.dtype} in the state dict, ${t.dtype} in the module`);
      } else if (src.backend !== t.backend) {
        problems.push(`${k}: on backend ${src.backend.name}, the module is on ${t.backend.name}`);
      }
    }
    if (problems.length) throw new StateDictError(this.constructor.name, problems);
    for (const [k, t] of Object.entries(own)) {
      const src = sd[k];
      if (src && src !== t) t.assign(src);
    }
  }
}
