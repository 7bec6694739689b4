import { reductionSize, resolveCorrection, varianceDivisor, type VarAttrs } from '../../engine/ops/reduce/util.js';
import { attrAxes, reduceKernel } from './util.js';

/** Divisor of the two-pass variance: max(0, N - correction), resolved as the op resolves it. */
export const varianceParam = (op: string) => (attrs: VarAttrs, shape: readonly number[], axes: number[]): number =>
  varianceDivisor(reductionSize(shape, axes), resolveCorrection(op, attrs));

// sum((x - mean)²) / max(0, N - correction), two passes in double (native/src/reduce.cc).
export const variance = reduceKernel<VarAttrs>('var', attrAxes('var'), varianceParam('var'));
