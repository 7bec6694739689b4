import type { StackAttrs } from '../../engine/ops/movement/stack.js';
import { normalizeAxis } from '../../engine/shape.js';
import { concat } from './concat.js';
import type { NativeKernel } from './types.js';

// concat of the inputs viewed with a size-1 dim at the new axis.
export const stack: NativeKernel<StackAttrs> = (xs, attrs, outs) => {
  const axis = normalizeAxis('stack', 'axis', attrs.axis ?? 0, outs[0]!.shape.length);
  const views = xs.map((x) => ({ ...x, shape: [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)] }));
  return concat(views, { axis }, outs);
};
