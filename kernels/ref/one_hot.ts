import { allocArray } from '../../engine/dtype.js';
import { ValueError, fmtShape } from '../../engine/errors.js';
import type { OneHotAttrs } from '../../engine/ops/movement/one_hot.js';
import type { RefKernel } from './types.js';

// out[i * C + c] = 1 if index[i] == c else 0.
export const oneHot: RefKernel<OneHotAttrs> = ([index], attrs, [o]) => {
  const c = attrs.numClasses;
  const out = allocArray(o!.dtype, index!.data.length * c);
  for (let i = 0; i < index!.data.length; i++) {
    const v = index!.data[i]!;
    if (!(v >= 0 && v < c)) throw new ValueError('one_hot', `index value ${v} in index ${fmtShape(index!.shape)} is out of range [0, ${c}) for numClasses ${c}`);
    out[i * c + v] = 1;
  }
  return [out];
};
