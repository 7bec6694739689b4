// Losses (torch.nn.functional semantics): functions composed of ops, so gradients and second
// derivatives come from autodiff. Each takes `reduction: 'none' | 'mean' | 'sum'` (default 'mean').
//   regression.ts      mseLoss, l1Loss, smoothL1Loss, huberLoss, poissonNllLoss, gaussianNllLoss
//   classification.ts  nllLoss, crossEntropy, klDiv
//   binary.ts          binaryCrossEntropy, bceWithLogits, softMarginLoss, multilabelSoftMarginLoss
//   embedding.ts       hingeEmbeddingLoss, marginRankingLoss, tripletMarginLoss, cosineEmbeddingLoss
//   adaptive.ts        AdaptiveLogSoftmaxWithLoss (a Module)
// Bad arguments raise ShapeError / DTypeError / ValueError naming the loss; data-dependent checks
// (class indices in range, probabilities in [0, 1], ±1 targets) run on synchronous backends.
export type { LossReduction } from './util.js';
export { mseLoss, l1Loss, smoothL1Loss, huberLoss, poissonNllLoss, gaussianNllLoss } from './regression.js';
export type { LossOptions, PoissonNllOptions, GaussianNllOptions } from './regression.js';
export { nllLoss, crossEntropy, klDiv } from './classification.js';
export type { NllOptions, CrossEntropyOptions, KlDivOptions } from './classification.js';
export { binaryCrossEntropy, bceWithLogits, softMarginLoss, multilabelSoftMarginLoss } from './binary.js';
export type { BceOptions, BceWithLogitsOptions } from './binary.js';
export { hingeEmbeddingLoss, marginRankingLoss, tripletMarginLoss, cosineEmbeddingLoss } from './embedding.js';
export type { MarginOptions, TripletOptions } from './embedding.js';
export { AdaptiveLogSoftmaxWithLoss } from './adaptive.js';
export type { AdaptiveLogSoftmaxOptions, AdaptiveLogSoftmaxOutput } from './adaptive.js';
