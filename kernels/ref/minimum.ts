import { mapBinary } from './util.js';

// Math.min propagates NaN, as torch.minimum does.
export const minimum = mapBinary((a, b) => Math.min(a, b));
