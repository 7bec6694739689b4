import type { RefKernel } from './types.js';
import { mapN } from './util.js';

export const where: RefKernel<unknown> = ([c, a, b], _attrs, [o]) => mapN([c!, a!, b!], o!, (v) => (v[0] ? v[1]! : v[2]!));
