// Optimizers (torch.optim), learning-rate schedules (torch.optim.lr_scheduler) and gradient
// clipping (torch.nn.utils). One file per optimizer: its update equations head the file.
//   optimizer.ts  Optimizer base: parameter groups, per-parameter state, step, zeroGrad, state dicts
//   sgd.ts rprop.ts rmsprop.ts adagrad.ts adadelta.ts adam.ts adamw.ts lion.ts
//   schedules.ts  StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearWarmupCosine, ReduceLROnPlateau
//   clip.ts       clipGradNorm, clipGradValue
export {
  Optimizer, type BaseOptimizerOptions, type OptimizerParams, type OptimizerStateDict, type ParamGroup, type ParamGroupSpec, type ParamState,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Rprop, type RpropOptions } from './rprop.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export { Lion, type LionOptions } from './lion.js';
export {
  LRScheduler, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearWarmupCosine, ReduceLROnPlateau,
  type LinearWarmupCosineOptions, type ReduceLROnPlateauOptions, type ScheduledOptimizer,
} from './schedules.js';
export { clipGradNorm, clipGradValue } from './clip.js';
