// Containers: Sequential (children '0', '1', ... applied in order) and ModuleList (torch.nn).
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';

/** A module with a one-tensor forward: what Sequential chains. */
export interface Layer extends Module {
  forward(x: Tensor): Tensor;
}

/** A step of a Sequential: a layer, or a parameter-free function such as relu. */
export type SequentialStep = Layer | ((x: Tensor) => Tensor);

/**
 * Applies its steps in order. Step i is registered under the name `${i}`, so parameter names are
 * torch's (`0.weight`, `2.bias`); a plain function takes an index but holds no state, like
 * torch's parameter-free modules (nn.ReLU).
 */
export class Sequential extends Module {
  private readonly steps: SequentialStep[] = [];

  constructor(...steps: SequentialStep[]) {
    super();
    for (const s of steps) this.append(s);
  }

  append(step: SequentialStep): this {
    if (step instanceof Module) this.module(String(this.steps.length), step);
    else if (typeof step !== 'function') throw new ValueError('Sequential', `step ${this.steps.length} is neither a Module nor a function`);
    this.steps.push(step);
    return this;
  }

  get length(): number {
    return this.steps.length;
  }

  /** Step i (negative counts from the end). */
  at(i: number): SequentialStep {
    const s = this.steps.at(i);
    if (s === undefined) throw new ValueError('Sequential', `index ${i} is out of range for ${this.steps.length} steps`);
    return s;
  }

  forward(x: Tensor): Tensor {
    for (const s of this.steps) x = s instanceof Module ? s.forward(x) : s(x);
    return x;
  }

  [Symbol.iterator](): IterableIterator<SequentialStep> {
    return this.steps[Symbol.iterator]();
  }
}

/** Holds modules registered as '0', '1', ... (their parameters are the list's); no forward of its own. */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(m: M): this {
    if (!(m instanceof Module)) throw new ValueError('ModuleList', `item ${this.items.length} is not a Module`);
    this.module(String(this.items.length), m);
    this.items.push(m);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  /** Module i (negative counts from the end). */
  at(i: number): M {
    const m = this.items.at(i);
    if (m === undefined) throw new ValueError('ModuleList', `index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  [Symbol.iterator](): IterableIterator<M> {
    return this.items[Symbol.iterator]();
  }
}
