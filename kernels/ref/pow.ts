import { mapBinary } from './util.js';

// NOTE: JS Math.pow differs from C pow (which PyTorch uses) in two places: Math.pow(1, NaN) and
// Math.pow(±1, ±Infinity) are NaN, C gives 1. Int32 outputs are stored with ToInt32, which
// truncates toward zero (2 ** -1 -> 0) and wraps like int32 multiplication while exact (< 2^53).
export const pow = mapBinary((a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)));
