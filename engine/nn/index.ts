// torch.nn-style modules, losses, optimizers and initializers.
export { Module, StateDictError } from './module.js';
export * from './layers/index.js';
export * from './layers/recurrent-index.js';
export {
  HyperConnection, ManifoldHyperConnection, expandStreams, mergeStreams,
  type HyperConnectionOptions, type ManifoldHyperConnectionOptions, type SublayerFn,
} from './layers/hyper.js';
export * from './losses/index.js';
export * from './optim/index.js';
export * from './init.js';
export * from './safetensors.js';
