// Typed errors. Every message starts with the op (or command) and names the argument and shapes:
//   matmul: a (2,3) and b (4,5): inner dimensions 3 and 4 differ

export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}

export class ZooError extends Error {
  /** The op or command that raised the error. */
  readonly op: string;
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.op = op;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, inner dimensions, reshape sizes). */
export class ShapeError extends ZooError {}
/** A dtype the op does not accept (e.g. log of an int32 tensor, bool indices). */
export class DTypeError extends ZooError {}
/** An axis outside [-rank, rank) or repeated. */
export class AxisError extends ZooError {}
/** A bad attribute value (negative pad, zero step, unknown mode). */
export class ValueError extends ZooError {}
/** A backend that is missing, unavailable, or lacks a kernel; tensors on different backends. */
export class BackendError extends ZooError {}
/** Use of a tensor after dispose(), or gradients requested where none can flow. */
export class StateError extends ZooError {}
