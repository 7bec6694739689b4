// Feed-forward layers (torch.nn names, parameter names and default initialization).
export type { LayerOptions } from './layer-options.js';
export { Linear, type LinearOptions } from './linear.js';
export { Bilinear, type BilinearOptions } from './bilinear.js';
export { Conv1d, Conv2d, ConvTranspose2d, type Conv1dOptions, type Conv2dOptions, type ConvTranspose2dOptions } from './conv.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { LayerNorm, RMSNorm, GroupNorm, type NormLayerOptions } from './norm.js';
export { BatchNorm1d, BatchNorm2d, InstanceNorm2d, type BatchNormLayerOptions } from './batch-norm.js';
export { Dropout } from './dropout.js';
export { Sequential, ModuleList, type Layer, type SequentialStep } from './sequential.js';
