import { mapBinary } from './util.js';

export const mul = mapBinary((a, b) => a * b);
