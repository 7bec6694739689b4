import { mapBinary } from './util.js';

export const sub = mapBinary((a, b) => a - b);
