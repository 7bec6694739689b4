import fc from 'fast-check';
import { arbBroadcastShapes, arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { promoteTypes } from '../../dtype.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { unbroadcast } from '../grad-util.js';
import { bytesOf, requireArity, requireFloat } from '../infer.js';
import { reshape } from '../movement/reshape.js';

export interface MatmulAttrs {
  /** Use the transpose of a's last two dims. */
  transA?: boolean;
  transB?: boolean;
}

/** Dimensions of a batched product: batch shape, M, K, N. */
export function matmulDims(a: TensorMeta, b: TensorMeta, attrs: MatmulAttrs) {
  const op = 'matmul';
  for (const [name, m] of [['a', a], ['b', b]] as const) {
    if (m.shape.length < 2) throw new ShapeError(op, `${name} ${fmtShape(m.shape)} must have at least 2 dimensions (use the matmul() wrapper for vectors)`);
  }
  const ra = a.shape.length, rb = b.shape.length;
  const [M, Ka] = attrs.transA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [Kb, N] = attrs.transB ? [b.shape[rb - 1]!, b.shape[rb - 2]!] : [b.shape[rb - 2]!, b.shape[rb - 1]!];
  if (Ka !== Kb) {
    const t = (flag?: boolean) => (flag ? 'ᵀ' : '');
    throw new ShapeError(op, `a${t(attrs.transA)} ${fmtShape(a.shape)} and b${t(attrs.transB)} ${fmtShape(b.shape)}: inner dimensions ${Ka} and ${Kb} differ`);
  }
  const batch = broadcastShapes(op, [a.shape.slice(0, -2), b.shape.slice(0, -2)], ['a batch', 'b batch']);
  return { batch, M, K: Ka, N };
}

// Cases: broadcastable batch dims, odd sizes, every transpose combination.
const cases = fc
  .tuple(arbBroadcastShapes(2, { maxRank: 2, maxDim: 3 }), arbDim(5, true), arbDim(5, true), arbDim(5, true), fc.boolean(), fc.boolean())
  .map(([[ba, bb], M, K, N, transA, transB]) => ({
    shapes: [[...ba!, ...(transA ? [K, M] : [M, K])], [...bb!, ...(transB ? [N, K] : [K, N])]],
    attrs: { transA, transB } as MatmulAttrs,
  }));

export const matmulOp = defineOp({
  name: 'matmul',
  family: 'linalg',
  doc: 'batched matrix product op(a) @ op(b) over the last two dims, batch dims broadcast',
  infer: (inputs: readonly TensorMeta[], attrs: MatmulAttrs) => {
    requireArity('matmul', inputs, 2);
    const [a, b] = inputs as [TensorMeta, TensorMeta];
    requireFloat('matmul', 'a', a);
    requireFloat('matmul', 'b', b);
    const { batch, M, N } = matmulDims(a, b, attrs);
    return [{ shape: [...batch, M, N], dtype: promoteTypes(a.dtype, b.dtype) }];
  },
  // C = A'B' with A' = op(A), B' = op(B): dA' = dC B'ᵀ, dB' = A'ᵀ dC, transposed back when op is ᵀ.
  vjp: ({ inputs: [a, b], dOut, attrs }) => {
    const tA = attrs.transA ?? false, tB = attrs.transB ?? false;
    const dA = tA ? matmulRaw(b!, dOut, { transA: tB, transB: true }) : matmulRaw(dOut, b!, { transB: !tB });
    const dB = tB ? matmulRaw(dOut, a!, { transA: true, transB: tA }) : matmulRaw(a!, dOut, { transA: !tA });
    return [unbroadcast(dA, a!.shape), unbroadcast(dB, b!.shape)];
  },
  check: { cases, inputs: [F, F], secondOrder: true },
  cost: (inputs, outputs, attrs) => {
    const { batch, M, K, N } = matmulDims(inputs[0]!, inputs[1]!, attrs);
    return { flops: 2 * sizeOf(batch) * M * N * K, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** The op itself: both operands of rank >= 2. */
export const matmulRaw = (a: Tensor, b: Tensor, attrs: MatmulAttrs = {}): Tensor => apply1(matmulOp, [a, b], attrs);

/** torch.matmul semantics: a 1-D a is a row vector, a 1-D b a column vector, and the added dim is removed. */
export function matmul(a: Tensor, b: Tensor, attrs: MatmulAttrs = {}): Tensor {
  if (a.rank >= 2 && b.rank >= 2) return matmulRaw(a, b, attrs);
  if (a.rank === 0 || b.rank === 0) throw new ShapeError('matmul', `a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}: scalars cannot be multiplied with matmul; use mul`);
  const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const c = matmulRaw(a2, b2, { transA: a.rank === 1 ? false : attrs.transA, transB: b.rank === 1 ? false : attrs.transB });
  const shape = c.shape.slice(0, -2);
  if (a.rank !== 1) shape.push(c.shape[c.rank - 2]!);
  if (b.rank !== 1) shape.push(c.shape[c.rank - 1]!);
  return reshape(c, shape);
}
