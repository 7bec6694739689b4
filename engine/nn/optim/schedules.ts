// Learning-rate schedules (torch.optim.lr_scheduler, torch 1.13 semantics): each changes the `lr`
// of every parameter group of an optimizer. Construction performs the initial step (epoch 0);
// call step() once per epoch after optimizer.step(). getLastLr() gives the lrs just set.
// StepLR, MultiStepLR, ExponentialLR and CosineAnnealingLR use torch's recursive ("chainable")
// forms, which read each group's current lr, so values match torch's sequences step for step.
import { ValueError } from '../../errors.js';

/** What a schedule needs of an optimizer: its groups' lrs. */
export interface ScheduledOptimizer {
  readonly paramGroups: { lr: number; initialLr?: number }[];
}

export abstract class LRScheduler {
  /** The epoch of the lrs last set: 0 after construction, +1 per step(). */
  lastEpoch = -1;
  /** Each group's lr when the first schedule was attached (torch's base_lrs / 'initial_lr'). */
  readonly baseLrs: readonly number[];
  private lastLr_: number[] = [];

  protected constructor(readonly name: string, readonly optimizer: ScheduledOptimizer) {
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** Advances one epoch and writes the new lrs into the optimizer's groups. */
  step(): void {
    this.lastEpoch += 1;
    const lrs = this.computeLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr_ = lrs;
  }

  /** The lrs set by the last step (one per group). */
  getLastLr(): number[] {
    return [...this.lastLr_];
  }

  /** The lrs for epoch `lastEpoch` (torch's get_lr). */
  protected abstract computeLr(): number[];

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

function checkInt(name: string, arg: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new ValueError(name, `${arg} ${v} must be an integer >= ${min}`);
}

function checkFactor(name: string, arg: string, v: number): void {
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new ValueError(name, `${arg} ${v} must be a finite number >= 0`);
}

/** lr ← lr·gamma every `stepSize` epochs (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, readonly stepSize: number, readonly gamma = 0.1) {
    super('StepLR', optimizer);
    checkInt(this.name, 'stepSize', stepSize, 1);
    checkFactor(this.name, 'gamma', gamma);
    this.step();
  }
  protected computeLr(): number[] {
    const e = this.lastEpoch;
    return this.groupLrs().map((lr) => (e === 0 || e % this.stepSize !== 0 ? lr : lr * this.gamma));
  }
}

/** lr ← lr·gamma^k at each milestone epoch listed k times (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  private readonly counts = new Map<number, number>();
  constructor(optimizer: ScheduledOptimizer, readonly milestones: readonly number[], readonly gamma = 0.1) {
    super('MultiStepLR', optimizer);
    milestones.forEach((m, i) => checkInt(this.name, `milestones[${i}]`, m, 0));
    checkFactor(this.name, 'gamma', gamma);
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.step();
  }
  protected computeLr(): number[] {
    const k = this.counts.get(this.lastEpoch);
    return this.groupLrs().map((lr) => (k === undefined ? lr : lr * this.gamma ** k));
  }
}

/** lr ← lr·gamma every epoch (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, readonly gamma: number) {
    super('ExponentialLR', optimizer);
    checkFactor(this.name, 'gamma', gamma);
    this.step();
  }
  protected computeLr(): number[] {
    return this.groupLrs().map((lr) => (this.lastEpoch === 0 ? lr : lr * this.gamma));
  }
}

/**
 * Cosine annealing from the base lr to etaMin over tMax epochs (torch.optim.lr_scheduler.
 * CosineAnnealingLR; SGDR without restarts). Closed form: lr_e = etaMin + (base - etaMin)·(1 +
 * cos(π·e/tMax))/2; computed with torch's recursive form
 *   lr_e = (1 + cos(π·e/tMax)) / (1 + cos(π·(e-1)/tMax)) · (lr_{e-1} - etaMin) + etaMin,
 * and lr_e = lr_{e-1} + (base - etaMin)·(1 - cos(π/tMax))/2 where the denominator vanishes
 * ((e - 1 - tMax) mod 2·tMax = 0). NOTE: as in torch, past tMax the lr rises again (period 2·tMax).
 * Paper: Loshchilov & Hutter, "SGDR: stochastic gradient descent with warm restarts", ICLR 2017.
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(optimizer: ScheduledOptimizer, readonly tMax: number, readonly etaMin = 0) {
    super('CosineAnnealingLR', optimizer);
    checkInt(this.name, 'tMax', tMax, 1);
    this.step();
  }
  protected computeLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if ((((e - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
}

export interface LinearWarmupCosineOptions {
  /** Epochs of linear warmup W (0 = none). */
  warmupEpochs: number;
  /** Epoch M at which the cosine reaches etaMin (M > W). */
  maxEpochs: number;
  /** lr at epoch 0 (default 0). */
  warmupStartLr?: number;
  /** Final lr (default 0). */
  etaMin?: number;
}

/**
 * Linear warmup, then cosine annealing (not in torch.optim; the usual transformer schedule).
 * With base the group's lr, at epoch e:
 *   e < W:        lr = warmupStartLr + (base - warmupStartLr)·e/W
 *   W <= e <= M:  lr = etaMin + (base - etaMin)·(1 + cos(π·(e - W)/(M - W)))/2
 *   e > M:        lr = etaMin
 * so the lr reaches base exactly at e = W (once) and etaMin at e = M. Up to M this equals torch's
 * SequentialLR([LinearLR(startFactor = warmupStartLr/base, totalIters = W), CosineAnnealingLR(tMax
 * = M - W, etaMin)], milestones = [W]); after M it holds etaMin instead of rising again.
 * NOTE: a closed form of the base lrs: changes made to group lrs by others are overwritten.
 */
export class LinearWarmupCosine extends LRScheduler {
  readonly warmupEpochs: number;
  readonly maxEpochs: number;
  readonly warmupStartLr: number;
  readonly etaMin: number;
  constructor(optimizer: ScheduledOptimizer, opts: LinearWarmupCosineOptions) {
    super('LinearWarmupCosine', optimizer);
    this.warmupEpochs = opts.warmupEpochs;
    this.maxEpochs = opts.maxEpochs;
    this.warmupStartLr = opts.warmupStartLr ?? 0;
    this.etaMin = opts.etaMin ?? 0;
    checkInt(this.name, 'warmupEpochs', this.warmupEpochs, 0);
    checkInt(this.name, 'maxEpochs', this.maxEpochs, this.warmupEpochs + 1);
    checkFactor(this.name, 'warmupStartLr', this.warmupStartLr);
    checkFactor(this.name, 'etaMin', this.etaMin);
    this.step();
  }
  protected computeLr(): number[] {
    const { lastEpoch: e, warmupEpochs: W, maxEpochs: M, warmupStartLr: lr0, etaMin } = this;
    return this.baseLrs.map((base) => {
      if (e < W) return lr0 + ((base - lr0) * e) / W;
      if (e > M) return etaMin;
      return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * (e - W)) / (M - W)))) / 2;
    });
  }
}

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** lr ← max(lr·factor, minLr) on a plateau (factor < 1; default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before a reduction (default 10). */
  patience?: number;
  /** Least improvement that counts (default 1e-4), relative or absolute per thresholdMode. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the lr when a metric stops improving (torch.optim.lr_scheduler.ReduceLROnPlateau).
 * step(metric) once per epoch: an improvement resets the bad-epoch count, anything else (NaN
 * included) adds one; during cooldown bad epochs are not counted; when the count exceeds
 * patience, every group's lr becomes max(lr·factor, minLr) (unless that changes it by <= eps),
 * the cooldown starts and the count resets.
 */
export class ReduceLROnPlateau {
  readonly name = 'ReduceLROnPlateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(readonly optimizer: ScheduledOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    this.mode = opts.mode ?? 'min';
    this.factor = opts.factor ?? 0.1;
    this.patience = opts.patience ?? 10;
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    const n = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    if (typeof minLr !== 'number' && minLr.length !== n) throw new ValueError(this.name, `minLr has ${minLr.length} entries for ${n} parameter groups`);
    this.minLrs = typeof minLr === 'number' ? Array<number>(n).fill(minLr) : [...minLr];
    this.validate();
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private validate(): void {
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(this.name, `mode '${String(this.mode)}' must be 'min' or 'max'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new ValueError(this.name, `thresholdMode '${String(this.thresholdMode)}' must be 'rel' or 'abs'`);
    }
    if (!(this.factor >= 0 && this.factor < 1)) throw new ValueError(this.name, `factor ${this.factor} must lie in [0, 1)`);
    checkInt(this.name, 'patience', this.patience, 0);
    checkInt(this.name, 'cooldown', this.cooldown, 0);
    checkFactor(this.name, 'threshold', this.threshold);
    checkFactor(this.name, 'eps', this.eps);
    this.minLrs.forEach((v, i) => checkFactor(this.name, `minLr[${i}]`, v));
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (1 + t) : a > best + t;
  }

  /** Records this epoch's metric (a plain number: read a loss tensor with item() first). */
  step(metric: number): void {
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
