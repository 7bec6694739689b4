// Shape/dtype inference and cost helpers shared by op definitions. Validation happens only here
// and in each op's `infer`.
import type { TensorMeta } from '../backend.js';
import { isFloat, itemSize, promoteTypes, type DType } from '../dtype.js';
import { DTypeError, ValueError, fmtShape } from '../errors.js';
import type { Cost } from '../op.js';
import { broadcastShapes, sizeOf } from '../shape.js';

export function requireFloat(op: string, arg: string, m: TensorMeta): void {
  if (!isFloat(m.dtype)) throw new DTypeError(op, `${arg} ${fmtShape(m.shape)} has dtype ${m.dtype}; expected float32 or float64`);
}

export function requireNumeric(op: string, arg: string, m: TensorMeta): void {
  if (m.dtype === 'bool') throw new DTypeError(op, `${arg} ${fmtShape(m.shape)} has dtype bool; expected a numeric dtype`);
}

export function requireDType(op: string, arg: string, m: TensorMeta, dtypes: readonly DType[]): void {
  if (!dtypes.includes(m.dtype)) throw new DTypeError(op, `${arg} ${fmtShape(m.shape)} has dtype ${m.dtype}; expected ${dtypes.join(' or ')}`);
}

export function requireArity(op: string, inputs: readonly TensorMeta[], n: number): void {
  if (inputs.length !== n) throw new ValueError(op, `expects ${n} tensor input${n === 1 ? '' : 's'}, got ${inputs.length}`);
}

/** Same shape and dtype as the float input. */
export function floatUnaryInfer(op: string) {
  return (inputs: readonly TensorMeta[]): TensorMeta[] => {
    requireArity(op, inputs, 1);
    requireFloat(op, 'x', inputs[0]!);
    return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
  };
}

/** Same shape and dtype as the numeric (float or int32) input. */
export function numericUnaryInfer(op: string) {
  return (inputs: readonly TensorMeta[]): TensorMeta[] => {
    requireArity(op, inputs, 1);
    requireNumeric(op, 'x', inputs[0]!);
    return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
  };
}

export interface BinaryInferOptions {
  /** Result dtype; default: the promoted input dtype. */
  out?: DType;
  /** Require float operands. */
  float?: boolean;
  names?: readonly [string, string];
}

/** Broadcast two operands; dtype promotion as in promoteTypes. */
export function binaryInfer(op: string, o: BinaryInferOptions = {}) {
  const names = o.names ?? ['a', 'b'];
  return (inputs: readonly TensorMeta[]): TensorMeta[] => {
    requireArity(op, inputs, 2);
    const [a, b] = inputs as [TensorMeta, TensorMeta];
    if (o.float) {
      requireFloat(op, names[0], a);
      requireFloat(op, names[1], b);
    } else if (o.out !== 'bool') {
      requireNumeric(op, names[0], a);
      requireNumeric(op, names[1], b);
    }
    const shape = broadcastShapes(op, [a.shape, b.shape], names);
    return [{ shape, dtype: o.out ?? promoteTypes(a.dtype, b.dtype) }];
  };
}

export function bytesOf(metas: readonly TensorMeta[]): number {
  return metas.reduce((acc, m) => acc + sizeOf(m.shape) * itemSize(m.dtype), 0);
}

/** Cost of an elementwise op: `flopsPerElement` per output element, every operand read once. */
export function elementwiseCost(flopsPerElement: number) {
  return (inputs: readonly TensorMeta[], outputs: readonly TensorMeta[]): Cost => ({
    flops: flopsPerElement * sizeOf(outputs[0]!.shape),
    bytes: bytesOf(inputs) + bytesOf(outputs),
  });
}

/** Cost of a pure data-movement op: no FLOPs, bytes moved. */
export function movementCost(inputs: readonly TensorMeta[], outputs: readonly TensorMeta[]): Cost {
  return { flops: 0, bytes: bytesOf(inputs) + bytesOf(outputs) };
}
