import { mapBinary } from './util.js';

export const div = mapBinary((a, b) => a / b);
