// Comparison ops share one shape: broadcast two operands of any dtype, output bool, no gradient.
import type { TensorMeta } from '../../backend.js';
import { broadcastCases, noAttrs } from '../../arb.js';
import type { CheckSpec } from '../../check.js';
import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp, type OpDef } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';

export type CompareOp<N extends string> = OpDef<N, Record<string, never>>;

const check: CheckSpec<Record<string, never>> = { cases: broadcastCases(2, noAttrs), inputs: [fIn(DISTINCT), fIn(DISTINCT)], secondOrder: false };

/** Defines a comparison op `name` with formula text `symbol` (e.g. 'a < b'). */
export function defineCompare<const N extends string>(name: N, symbol: string): CompareOp<N> {
  return defineOp({
    name,
    family: 'compare',
    doc: `${symbol} elementwise with broadcasting, bool result (no gradient)`,
    infer: (inputs: readonly TensorMeta[]) => binaryInfer(name, { out: 'bool' })(inputs),
    check,
    cost: elementwiseCost(1),
  });
}

export function compare(def: CompareOp<string>, a: TensorLike, b: TensorLike): Tensor {
  return apply1(def, lift(def.name, a, b), {});
}
