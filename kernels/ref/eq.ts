import { mapBinary } from './util.js';

export const eq = mapBinary((a, b) => (a === b ? 1 : 0));
