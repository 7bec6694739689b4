import { mapN } from './util.js';

export const expand: import('./types.js').RefKernel<unknown> = ([x], _attrs, [o]) => mapN([x!], o!, (v) => v[0]!);
