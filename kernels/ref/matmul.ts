import { allocArray } from '../../engine/dtype.js';
import { matmulDims, type MatmulAttrs } from '../../engine/ops/linalg/matmul.js';
import { sizeOf } from '../../engine/shape.js';
import type { RefKernel } from './types.js';
import { broadcastOffsets } from './util.js';

// C[b, i, j] = sum_k A'[b, i, k] B'[b, k, j], accumulated in float64.
export const matmul: RefKernel<MatmulAttrs> = ([a, b], attrs, [o]) => {
  const { batch, M, K, N } = matmulDims(a!, b!, attrs);
  const [aOff, bOff] = broadcastOffsets(batch, [a!.shape.slice(0, -2), b!.shape.slice(0, -2)]);
  const out = allocArray(o!.dtype, sizeOf(o!.shape));
  // Element strides of op(A) as (i, k) and op(B) as (k, j).
  const [ai, ak] = attrs.transA ? [1, M] : [K, 1];
  const [bk, bj] = attrs.transB ? [1, K] : [N, 1];
  const A = a!.data, B = b!.data;
  const nb = sizeOf(batch);
  for (let p = 0; p < nb; p++) {
    const a0 = aOff![p]! * M * K, b0 = bOff![p]! * K * N, c0 = p * M * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[a0 + i * ai + k * ak]! * B[b0 + k * bk + j * bj]!;
        out[c0 + i * N + j] = s;
      }
    }
  }
  return [out];
};
