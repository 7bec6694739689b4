import { mapBinary } from './util.js';

export const lt = mapBinary((a, b) => (a < b ? 1 : 0));
