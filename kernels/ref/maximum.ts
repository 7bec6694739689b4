import { mapBinary } from './util.js';

// Math.max propagates NaN, as torch.maximum does.
export const maximum = mapBinary((a, b) => Math.max(a, b));
