import type { TensorMeta } from '../../engine/backend.js';
import { allocArray } from '../../engine/dtype.js';
import { linearActivation, linearParts, type LinearAttrs } from '../../engine/ops/linalg/linear.js';
import { gelu } from './gelu.js';
import { matmul } from './matmul.js';
import { relu } from './relu.js';
import { silu } from './silu.js';
import type { RefArg, RefKernel } from './types.js';

// y = act(x Wᵀ + b) + r in float64: z from the matmul kernel on x as (M, K), the activation from
// its own kernel (the same function as the op), rounded to the output dtype only at the end.
const f64 = (shape: number[]): TensorMeta => ({ shape, dtype: 'float64' });

function activate(z: RefArg, attrs: LinearAttrs): RefArg {
  const o = [f64([...z.shape])];
  switch (linearActivation(attrs)) {
    case 'relu': return { ...z, data: relu([z], {}, o)[0]! };
    case 'gelu': return { ...z, data: gelu([z], {}, o)[0]! };
    case 'gelu_tanh': return { ...z, data: gelu([z], { approximate: 'tanh' }, o)[0]! };
    case 'silu': return { ...z, data: silu([z], {}, o)[0]! };
    default: return z;
  }
}

export const linear: RefKernel<LinearAttrs> = (inputs, attrs, [o]) => {
  const { x, weight, bias, residual, M, K, N } = linearParts(inputs, attrs);
  const z = matmul([{ ...x, shape: [M, K] }, weight], { transB: true }, [f64([M, N])])[0]!;
  if (bias) for (let i = 0; i < z.length; i++) z[i] = z[i]! + bias.data[i % N]!;
  const h = activate({ data: z, shape: [M, N], dtype: 'float64' }, attrs).data;
  const out = allocArray(o!.dtype, M * N);
  for (let i = 0; i < out.length; i++) out[i] = h[i]! + (residual ? residual.data[i]! : 0);
  return [out];
};
