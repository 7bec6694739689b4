import { mapBinary } from './util.js';

export const ne = mapBinary((a, b) => (a !== b ? 1 : 0));
