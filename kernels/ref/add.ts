import { mapBinary } from './util.js';

export const add = mapBinary((a, b) => a + b);
