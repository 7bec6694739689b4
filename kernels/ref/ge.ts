import { mapBinary } from './util.js';

export const ge = mapBinary((a, b) => (a >= b ? 1 : 0));
