// The op contract (DESIGN.md "One op, one definition"). An op file gives: shape and dtype
// inference (the only place inputs are validated), a VJP written with other ops so that
// second derivatives work, an optional decomposition, check metadata and its cost.
import type { TensorMeta } from './backend.js';
import type { CheckSpec } from './check.js';
import type { Tensor } from './tensor.js';

export type OpFamily = 'unary' | 'binary' | 'compare' | 'reduce' | 'movement' | 'linalg' | 'nn' | 'optim';

export interface Cost {
  /** Floating-point operations (an FMA counts as 2). */
  flops: number;
  /** Bytes read plus bytes written, assuming each operand is touched once. */
  bytes: number;
}

export interface VjpContext<A> {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** Upstream gradient of the first output. */
  readonly dOut: Tensor;
  /** Upstream gradients of every output (zeros where an output received none). */
  readonly dOuts: readonly Tensor[];
  readonly attrs: A;
}

export interface OpDef<N extends string, A> {
  readonly name: N;
  readonly family: OpFamily;
  /** One line: what the op computes, with its formula. */
  readonly doc: string;
  /** Output shapes and dtypes; throws ShapeError/DTypeError/AxisError/ValueError on bad input. */
  infer(inputs: readonly TensorMeta[], attrs: A): TensorMeta[];
  /** Gradients of the inputs given the upstream gradients; null for inputs without gradient. */
  readonly vjp?: (ctx: VjpContext<A>) => readonly (Tensor | null)[];
  /** The op written with other ops: fallback for backends without a kernel, and a second oracle. */
  readonly decompose?: (inputs: readonly Tensor[], attrs: A) => Tensor[];
  readonly check: CheckSpec<A>;
  cost(inputs: readonly TensorMeta[], outputs: readonly TensorMeta[], attrs: A): Cost;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOp = OpDef<string, any>;

export function defineOp<const N extends string, A>(def: OpDef<N, A>): OpDef<N, A> {
  return Object.freeze(def);
}
