import type { TensorMeta } from '../../engine/backend.js';
import type { GeluAttrs } from '../../engine/ops/unary/gelu.js';
import { geluApproximate } from '../../engine/ops/unary/util.js';
import type { NativeArg, NativeKernel } from './types.js';
import { unaryKernel } from './util.js';

const exact = unaryKernel('gelu'); // x·Φ(x), Φ from an erfc fit (vecmath.h normcdf)
const tanhForm = unaryKernel('gelu_tanh'); // x·σ(2√(2/π)(x + 0.044715x³))

export const gelu: NativeKernel<GeluAttrs> = (inputs: readonly NativeArg[], attrs: GeluAttrs, outs: readonly TensorMeta[]) =>
  (geluApproximate(attrs) === 'tanh' ? tanhForm : exact)(inputs, attrs, outs);
