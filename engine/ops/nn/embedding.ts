import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F, type CheckCase, type ValueSource } from '../../check.js';
import { fromArray, zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { allocArray } from '../../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { bytesOf, requireArity, requireFloat } from '../infer.js';
import { expand } from '../movement/expand.js';
import { indexSelect } from '../movement/index_select.js';
import { requireIndex } from '../movement/indexing-util.js';
import { reshape } from '../movement/reshape.js';
import { scatterAdd } from '../movement/scatter_add.js';

export interface EmbeddingAttrs {
  /** Row of weight that receives no gradient (torch's padding_idx); negative counts from the end. */
  paddingIdx?: number;
}

/** paddingIdx in [0, V) (a negative one + V), or undefined; validated in infer. */
function resolvePaddingIdx(attrs: EmbeddingAttrs, weight: TensorMeta): number | undefined {
  const p = attrs.paddingIdx, v = weight.shape[0]!;
  if (p === undefined) return undefined;
  if (!Number.isInteger(p) || p < -v || p >= v) {
    throw new ValueError('embedding', `paddingIdx ${String(p)} is out of range [${-v}, ${v}) for weight ${fmtShape(weight.shape)}`);
  }
  return p < 0 ? p + v : p;
}

/** indices int32 of any shape, weight (V, D) float: out (...indices.shape, D). */
function embeddingInfer(inputs: readonly TensorMeta[], attrs: EmbeddingAttrs): TensorMeta[] {
  requireArity('embedding', inputs, 2);
  const [indices, weight] = inputs as [TensorMeta, TensorMeta];
  requireIndex('embedding', 'indices', indices);
  requireFloat('embedding', 'weight', weight);
  if (weight.shape.length !== 2) throw new ShapeError('embedding', `weight ${fmtShape(weight.shape)} must be 2-dimensional (V, D)`);
  resolvePaddingIdx(attrs, weight);
  return [{ shape: [...indices.shape, weight.shape[1]!], dtype: weight.dtype }];
}

/** Cases: indices of rank 0-3 (zero-size dims too, repeats likely), weight (V, D) with V 1-5, D 0-4, a padding row (V >= 2) or none. */
const cases: fc.Arbitrary<CheckCase<EmbeddingAttrs>> = fc
  .record({ idx: arbShape({ maxRank: 3, maxDim: 4, zero: true }), v: fc.integer({ min: 1, max: 5 }), d: fc.integer({ min: 0, max: 4 }), pad: fc.integer({ min: -6, max: 5 }) })
  .map(({ idx, v, d, pad }) => ({ shapes: [idx, [v, d]], attrs: v < 2 || pad < -v || pad >= v ? {} : { paddingIdx: pad } }));

/**
 * Indices in [0, V), never the padding row: its zeroed gradient is torch's convention, not the
 * derivative, so the finite-difference check can only hold where the row is not looked up.
 */
function values(c: CheckCase<EmbeddingAttrs>, src: ValueSource): (number[] | null)[] {
  const v = c.shapes[1]![0]!, p = c.attrs.paddingIdx;
  const pad = p === undefined ? -1 : p < 0 ? p + v : p;
  const pick = () => {
    const k = src.int(0, pad < 0 ? v : v - 1);
    return pad >= 0 && k >= pad ? k + 1 : k;
  };
  return [Array.from({ length: sizeOf(c.shapes[0]!) }, pick), null];
}

/** (V, 1) ones with a 0 in the padding row: zeroes that row's gradient. */
function keepRows(weight: Tensor, pad: number): Tensor {
  const m = allocArray(weight.dtype, weight.shape[0]!).fill(1);
  m[pad] = 0;
  return fromArray(m, [weight.shape[0]!, 1], weight.dtype, { backend: weight.backend });
}

export const embeddingOp = defineOp({
  name: 'embedding',
  family: 'nn',
  doc: 'out[..., :] = weight[indices[...], :]: a lookup of rows of weight (V, D) (torch.nn.functional.embedding)',
  infer: embeddingInfer,
  // dW = index-add of dOut's rows at their indices (repeats accumulate), the paddingIdx row zeroed; indices get none.
  vjp: ({ inputs: [indices, weight], dOut, attrs }) => {
    const [v, d] = weight!.shape as [number, number];
    const n = indices!.size;
    const rows = expand(reshape(indices!, [n, 1]), [n, d]);
    const dW = scatterAdd(zeros([v, d], { dtype: dOut.dtype, backend: dOut.backend }), rows, reshape(dOut, [n, d]), { axis: 0 });
    const pad = resolvePaddingIdx(attrs, weight!);
    return [null, pad === undefined ? dW : mul(dW, keepRows(weight!, pad))];
  },
  decompose: ([indices, weight]) => [reshape(indexSelect(weight!, reshape(indices!, [indices!.size]), { axis: 0 }), [...indices!.shape, weight!.shape[1]!])],
  check: { cases, inputs: [{ kind: 'int32' }, F], values, secondOrder: true },
  // Each output element copies one weight element; the indices are read once.
  cost: (inputs, outputs) => ({ flops: 0, bytes: bytesOf([inputs[0]!]) + 2 * bytesOf(outputs) }),
});

/**
 * torch.nn.functional.embedding(indices, weight, padding_idx). Indices must lie in [0, V): the
 * kernel raises a ValueError naming the bad value. NOTE: as in torch, the padding row is looked
 * up like any other; it only receives no gradient (max_norm is not supported).
 */
export const embedding = (indices: Tensor, weight: Tensor, attrs: EmbeddingAttrs = {}): Tensor => apply1(embeddingOp, [indices, weight], attrs);
