import { matmulDims, type MatmulAttrs } from '../../engine/ops/linalg/matmul.js';
import { sizeOf } from '../../engine/shape.js';
import { broadcastOffsets } from '../ref/util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// C[b] = op(A)[b'] @ op(B)[b''] with broadcast batch dims (native/src/matmul.cc).
export const matmul: NativeKernel<MatmulAttrs> = ([a, b], attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  const { batch, M, K, N } = matmulDims(a!, b!, attrs);
  if (out.length === 0) return [out];
  const [aOff, bOff] = broadcastOffsets(batch, [a!.shape.slice(0, -2), b!.shape.slice(0, -2)]);
  const scale = (offs: Int32Array, n: number) => offs.map((v) => v * n);
  if (sizeOf(batch) !== out.length / (M * N)) throw new Error('matmul: batch size mismatch');
  addon().matmul(a!.data as Float32Array, b!.data as Float32Array, out, scale(aOff!, M * K), scale(bOff!, K * N), M, K, N, attrs.transA ? 1 : 0, attrs.transB ? 1 : 0);
  return [out];
};
