// Scalars in binary ops: a JS number becomes a 0-d tensor that does not widen the other operand's
// dtype (PyTorch's "wrapped number" rule), except an int32 tensor with a fractional number -> float32.
import { full } from '../creation.js';
import { isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';

export type TensorLike = Tensor | number;

export function lift(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, wrap(op, b as number, a)];
  if (b instanceof Tensor) return [wrap(op, a, b), b];
  throw new ValueError(op, 'needs at least one tensor operand');
}

function wrap(op: string, v: number, like: Tensor): Tensor {
  const dtype = isFloat(like.dtype) || Number.isInteger(v) ? (like.dtype === 'bool' ? 'float32' : like.dtype) : 'float32';
  if (typeof v !== 'number') throw new ValueError(op, `operand ${String(v)} is neither a tensor nor a number`);
  return full([], v, { dtype, backend: like.backend });
}
