import type { TensorMeta } from '../../engine/backend.js';
import type { Conv1dAttrs } from '../../engine/ops/nn/conv1d.js';
import type { Conv2dAttrs } from '../../engine/ops/nn/conv2d.js';
import { convGeom, convTransposeGeom, unitWin, type ConvGeom, type ConvTranspose2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { weightGradGeom, type Conv2dWeightGradAttrs } from '../../engine/ops/nn/conv2d_weight_grad.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc, i32 } from './util.js';

// Convolutions on the addon's sgemm (native/src/conv.cc): conv1d/conv2d as im2col + GEMM (+ bias),
// conv_transpose2d as GEMM + col2im (+ bias), conv2d_weight_grad as Σ_n dOut · im2col(x)ᵀ. The geometry is the op's own (engine/ops/nn/conv-util.ts).

/** [N,C,H,W,O,G,kh,kw,sh,sw,dh,dw,lo_h,lo_w,oh,ow] of the conv2d with these windows (H = size, oh = out). */
const geomArgs = ({ N, C, O, G, wins: [wh, ww] }: ConvGeom): Int32Array =>
  i32([N, C, wh!.size, ww!.size, O, G, wh!.k, ww!.k, wh!.s, ww!.s, wh!.d, ww!.d, wh!.lo, ww!.lo, wh!.out, ww!.out]);

const metas = (args: readonly NativeArg[]): TensorMeta[] => args.map((a) => ({ shape: a.shape, dtype: a.dtype }));
const biasData = (b: NativeArg | undefined): Float32Array => (b ? (b.data as Float32Array) : new Float32Array(0));

function runConv(args: readonly NativeArg[], g: ConvGeom, o: TensorMeta): Float32Array[] {
  const [x, w, b] = args;
  const out = alloc(o) as Float32Array;
  addon().conv2d(x!.data as Float32Array, w!.data as Float32Array, biasData(b), out, geomArgs(g));
  return [out];
}

export const conv2d: NativeKernel<Conv2dAttrs> = (args, attrs, [o]) => runConv(args, convGeom('conv2d', metas(args), attrs, 2), o!);

// conv1d is conv2d on (N, C, 1, L) with a (O, C/G, 1, K) weight: the same buffers.
export const conv1d: NativeKernel<Conv1dAttrs> = (args, attrs, [o]) => {
  const g = convGeom('conv1d', metas(args), attrs, 1);
  return runConv(args, { ...g, wins: [unitWin, g.wins[0]!] }, o!);
};

export const convTranspose2d: NativeKernel<ConvTranspose2dAttrs> = (args, attrs, [o]) => {
  const [x, w, b] = args;
  const out = alloc(o!) as Float32Array;
  addon().convTranspose2d(x!.data as Float32Array, w!.data as Float32Array, biasData(b), out, geomArgs(convTransposeGeom(metas(args), attrs)));
  return [out];
};

export const conv2dWeightGrad: NativeKernel<Conv2dWeightGradAttrs> = (args, attrs, [o]) => {
  const [x, dOut] = args;
  const out = alloc(o!) as Float32Array;
  addon().conv2dWeightGrad(x!.data as Float32Array, dOut!.data as Float32Array, out, geomArgs(weightGradGeom(metas(args), attrs)));
  return [out];
};
