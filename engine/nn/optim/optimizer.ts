// Optimizer base (torch.optim.Optimizer): parameter groups with per-group options, per-parameter
// state (a step count and named tensors of the parameter's shape), step(), zeroGrad() and state
// dicts. Subclasses write one update rule; the base runs it under noGrad, one tidy scope per
// parameter, and every new value is written with Tensor.assign (parameters and state tensors keep
// their identity, the old buffers are released), so live buffers stay flat across steps.
import { zerosLike } from '../../creation.js';
import { isFloat } from '../../dtype.js';
import { DTypeError, StateError, ValueError, fmtShape } from '../../errors.js';
import { noGrad } from '../../gradmode.js';
import { mul } from '../../ops/binary/mul.js';
import { cast } from '../../ops/linalg/cast.js';
import { keep, tidy } from '../../scope.js';
import { Tensor } from '../../tensor.js';
import { StateDictError } from '../module.js';

/** Options every optimizer has. `lr` is what schedules change. */
export interface BaseOptimizerOptions {
  lr: number;
}

/** A parameter group: its parameters and its options (defaults overridden by the group's own). */
export type ParamGroup<O extends BaseOptimizerOptions> = O & {
  params: Tensor[];
  /** The lr when the first schedule was attached (torch's 'initial_lr'); schedules set it. */
  initialLr?: number;
};

/** How a group is given to a constructor: its parameters and any options to override. */
export type ParamGroupSpec<O extends BaseOptimizerOptions> = Partial<O> & { params: readonly Tensor[] };

/** A plain list of parameters (one group with the defaults) or a list of groups. */
export type OptimizerParams<O extends BaseOptimizerOptions> = readonly Tensor[] | readonly ParamGroupSpec<O>[];

/** State of one parameter: torch's state[p] with 'step' split from the tensors. */
export interface ParamState {
  /** Updates applied to this parameter. */
  step: number;
  /** Named state tensors (momentumBuffer, expAvg, ...), each of the parameter's shape. */
  tensors: Record<string, Tensor>;
}

/**
 * torch's optimizer.state_dict(): state by parameter index (parameters numbered across groups in
 * order) and each group's options with its parameter indices. The tensors are the optimizer's own
 * (not copies); loadStateDict copies.
 */
export interface OptimizerStateDict<O extends BaseOptimizerOptions = BaseOptimizerOptions> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[]; initialLr?: number })[];
}

/** Validates a group's merged options; throws ValueError naming the optimizer and the option. */
export type OptionCheck<O> = (optimizer: string, o: O) => void;

export abstract class Optimizer<O extends BaseOptimizerOptions = BaseOptimizerOptions> {
  readonly name: string;
  readonly defaults: Readonly<O>;
  readonly paramGroups: ParamGroup<O>[] = [];
  private readonly state_ = new Map<Tensor, ParamState>();
  // Typed on the base options so that an Optimizer<SGDOptions> is also an Optimizer.
  private readonly checkOptions: OptionCheck<BaseOptimizerOptions>;

  protected constructor(name: string, params: OptimizerParams<O>, defaults: O, check: OptionCheck<O>) {
    this.name = name;
    this.defaults = Object.freeze({ ...defaults });
    this.checkOptions = check as OptionCheck<BaseOptimizerOptions>;
    check(name, this.defaults as O);
    if (params.length === 0) throw new ValueError(name, 'got an empty parameter list');
    const groups = params[0] instanceof Tensor ? [{ params: params as readonly Tensor[] } as ParamGroupSpec<O>] : (params as readonly ParamGroupSpec<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group (torch's add_param_group): options missing from `spec` take the defaults. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const { params, ...opts } = spec;
    if (!Array.isArray(params)) throw new ValueError(this.name, 'a parameter group needs a params array');
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ValueError(this.name, `params[${i}] is not a Tensor`);
      if (!isFloat(p.dtype)) throw new DTypeError(this.name, `params[${i}] ${fmtShape(p.shape)} has dtype ${p.dtype}; only float tensors can be optimized`);
      if (!p.isLeaf) throw new ValueError(this.name, `params[${i}] ${fmtShape(p.shape)} is not a leaf (it was produced by ${p.node!.op.name})`);
      if (seen.has(p)) throw new ValueError(this.name, `params[${i}] ${fmtShape(p.shape)} appears more than once (in this group or another)`);
      seen.add(p);
    });
    const group = { ...this.defaults, ...opts, params: [...params] } as ParamGroup<O>;
    this.checkOptions(this.name, group);
    this.paramGroups.push(group);
  }

  /** The state of `p` (undefined before its first update). */
  stateOf(p: Tensor): Readonly<ParamState> | undefined {
    return this.state_.get(p);
  }

  /** One update of every parameter that has a gradient; parameters with grad null are skipped. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const g = p.grad;
          if (g === null) continue;
          if (g.dtype !== p.dtype || g.backend !== p.backend || g.shape.length !== p.shape.length || g.shape.some((d, i) => d !== p.shape[i])) {
            const what = (t: Tensor) => `${fmtShape(t.shape)} ${t.dtype} on ${t.backend.name}`;
            throw new StateError(this.name, `gradient ${what(g)} does not match its parameter ${what(p)}`);
          }
          let s = this.state_.get(p);
          if (!s) this.state_.set(p, (s = { step: 0, tensors: {} }));
          const state = s;
          tidy(() => {
            state.step += 1;
            this.update(p, g, group, state);
          });
        }
      }
    });
  }

  /**
   * One parameter's update, run under noGrad inside a tidy scope. Write the new parameter with
   * p.assign(...), existing state tensors with s.tensors[k].assign(...), new ones with putState.
   * `s.step` already counts this update.
   */
  protected abstract update(p: Tensor, g: Tensor, o: Readonly<O>, s: ParamState): void;

  /** Clears gradients: set to null (default, torch's set_to_none=True) or filled with zeros. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad.dispose();
          p.grad = null;
        } else {
          const g = p.grad;
          p.grad = keep(zerosLike(g));
          g.dispose();
        }
      }
    }
  }

  stateDict(): OptimizerStateDict<O> {
    const state: Record<number, ParamState> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...opts } = group;
      const ids = params.map((p) => {
        const s = this.state_.get(p);
        if (s) state[index] = { step: s.step, tensors: { ...s.tensors } };
        return index++;
      });
      return { ...(opts as unknown as O), params: ids };
    });
    return { state, paramGroups };
  }

  /**
   * Loads a state dict from stateDict() (torch's load_state_dict): group options and per-parameter
   * state, matched by position. Everything is validated first (group count and sizes, step counts,
   * state tensor shapes and backends); on any problem a StateDictError lists them all and nothing
   * changes. State tensors are copied (cast to the parameter's dtype).
   */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    const params = this.paramGroups.flatMap((g) => g.params);
    const problems = this.stateDictProblems(sd, params);
    if (problems.length) throw new StateDictError(this.name, problems);
    // Copies first: sd may hold this optimizer's own tensors (dropped just below).
    const loaded = noGrad(() =>
      Object.entries(sd.state).map(([key, s]) => {
        const p = params[Number(key)]!;
        const tensors: Record<string, Tensor> = {};
        for (const [name, t] of Object.entries(s.tensors)) tensors[name] = keep(t.dtype === p.dtype ? mul(t, 1) : cast(t, p.dtype));
        return [p, { step: s.step, tensors }] as const;
      }),
    );
    sd.paramGroups.forEach((saved, i) => {
      const { params: _ids, ...opts } = saved;
      Object.assign(this.paramGroups[i]!, opts);
    });
    for (const p of params) this.dropState(p);
    for (const [p, s] of loaded) this.state_.set(p, s);
  }

  private stateDictProblems(sd: OptimizerStateDict<O>, params: readonly Tensor[]): string[] {
    const problems: string[] = [];
    if (sd.paramGroups.length !== this.paramGroups.length) {
      return [`${sd.paramGroups.length} parameter groups in the state dict, ${this.paramGroups.length} in the optimizer`];
    }
    sd.paramGroups.forEach((g, i) => {
      const n = this.paramGroups[i]!.params.length;
      if (g.params.length !== n) problems.push(`group ${i} has ${g.params.length} parameters in the state dict, ${n} in the optimizer`);
      else this.checkOptionsInto(g, i, problems);
    });
    for (const [key, s] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (!p) {
        problems.push(`state for parameter ${key}, but the optimizer has ${params.length} parameters`);
        continue;
      }
      if (!Number.isSafeInteger(s.step) || s.step < 0) problems.push(`parameter ${key}: step ${s.step} must be a non-negative integer`);
      for (const [name, t] of Object.entries(s.tensors)) {
        if (t.shape.length !== p.shape.length || t.shape.some((d, j) => d !== p.shape[j])) {
          problems.push(`parameter ${key}: ${name} ${fmtShape(t.shape)} does not match the parameter ${fmtShape(p.shape)}`);
        } else if (t.backend !== p.backend) {
          problems.push(`parameter ${key}: ${name} is on backend ${t.backend.name}, the parameter on ${p.backend.name}`);
        } else if (!isFloat(t.dtype)) problems.push(`parameter ${key}: ${name} has dtype ${t.dtype}, not a float`);
      }
    }
    return problems;
  }

  private checkOptionsInto(g: O & { params: number[] }, i: number, problems: string[]): void {
    try {
      this.checkOptions(this.name, { ...this.paramGroups[i]!, ...g });
    } catch (err) {
      problems.push(`group ${i}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private dropState(p: Tensor): void {
    const s = this.state_.get(p);
    if (!s) return;
    for (const t of Object.values(s.tensors)) t.dispose();
    this.state_.delete(p);
  }
}

/** Stores a new state tensor under `name` (kept out of every tidy scope) and returns it. */
export function putState(s: ParamState, name: string, t: Tensor): Tensor {
  s.tensors[name]?.dispose();
  s.tensors[name] = keep(t);
  return t;
}

/** Shared option checks: each throws ValueError('<Optimizer>: <option> <value> must ...'). */
export function checkNonNegative(optimizer: string, name: string, v: number): void {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new ValueError(optimizer, `${name} ${v} must be a finite number >= 0`);
}

export function checkUnitInterval(optimizer: string, name: string, v: number, closedRight = false): void {
  const ok = typeof v === 'number' && v >= 0 && (closedRight ? v <= 1 : v < 1);
  if (!ok) throw new ValueError(optimizer, `${name} ${v} must lie in [0, 1${closedRight ? ']' : ')'}`);
}

export function checkBetas(optimizer: string, betas: readonly [number, number]): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new ValueError(optimizer, `betas ${JSON.stringify(betas)} must be a pair of numbers`);
  checkUnitInterval(optimizer, 'betas[0]', betas[0]);
  checkUnitInterval(optimizer, 'betas[1]', betas[1]);
}
