import { mapBinary } from './util.js';

export const le = mapBinary((a, b) => (a <= b ? 1 : 0));
