import { mapBinary } from './util.js';

export const gt = mapBinary((a, b) => (a > b ? 1 : 0));
