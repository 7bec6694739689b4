// The native kernel table: partial over the op registry. Every op not listed here runs through its
// decomposition and must be named in decomposed.ts (suites/native.test.ts checks that the two lists
// cover the registry exactly). Adding a kernel: native/README.md.
import type { AttrsOf, OpName } from '../../engine/ops/index.js';
import type { NativeKernel } from './types.js';
import { neg } from './neg.js';
import { abs } from './abs.js';
import { sign } from './sign.js';
import { exp } from './exp.js';
import { log } from './log.js';
import { log1p } from './log1p.js';
import { expm1 } from './expm1.js';
import { sqrt } from './sqrt.js';
import { rsqrt } from './rsqrt.js';
import { reciprocal } from './reciprocal.js';
import { square } from './square.js';
import { sin } from './sin.js';
import { cos } from './cos.js';
import { tanh } from './tanh.js';
import { sigmoid } from './sigmoid.js';
import { relu } from './relu.js';
import { leakyRelu } from './leaky_relu.js';
import { elu } from './elu.js';
import { selu } from './selu.js';
import { celu } from './celu.js';
import { gelu } from './gelu.js';
import { silu } from './silu.js';
import { mish } from './mish.js';
import { softplus } from './softplus.js';
import { softsign } from './softsign.js';
import { hardtanh } from './hardtanh.js';
import { hardsigmoid } from './hardsigmoid.js';
import { hardswish } from './hardswish.js';
import { logsigmoid } from './logsigmoid.js';
import { add } from './add.js';
import { sub } from './sub.js';
import { mul } from './mul.js';
import { div } from './div.js';
import { pow } from './pow.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { where } from './where.js';
import { clamp } from './clamp.js';
import { eq } from './eq.js';
import { ne } from './ne.js';
import { lt } from './lt.js';
import { le } from './le.js';
import { gt } from './gt.js';
import { ge } from './ge.js';
import { sum } from './sum.js';
import { mean } from './mean.js';
import { prod } from './prod.js';
import { max } from './max.js';
import { min } from './min.js';
import { variance } from './var.js';
import { std } from './std.js';
import { logsumexp } from './logsumexp.js';
import { argmax } from './argmax.js';
import { argmin } from './argmin.js';
import { cumsum } from './cumsum.js';
import { reshape } from './reshape.js';
import { permute } from './permute.js';
import { transpose } from './transpose.js';
import { expand } from './expand.js';
import { squeeze } from './squeeze.js';
import { unsqueeze } from './unsqueeze.js';
import { slice } from './slice.js';
import { sliceScatter } from './slice_scatter.js';
import { pad } from './pad.js';
import { concat } from './concat.js';
import { stack } from './stack.js';
import { split } from './split.js';
import { gather } from './gather.js';
import { indexSelect } from './index_select.js';
import { scatterAdd } from './scatter_add.js';
import { oneHot } from './one_hot.js';
import { tril } from './tril.js';
import { triu } from './triu.js';
import { flip } from './flip.js';
import { matmul } from './matmul.js';
import { linear } from './linear.js';
import { cast } from './cast.js';
import { softmax } from './softmax.js';
import { logSoftmax } from './log_softmax.js';
import { unfold } from './unfold.js';
import { fold } from './fold.js';
import { maxPool2d } from './max_pool2d.js';
import { conv1d, conv2d, conv2dWeightGrad, convTranspose2d } from './conv.js';
import { adaptiveAvgPool2d, avgPool2d, upsample } from './resample.js';
import { embedding } from './embedding.js';
import { dropout } from './dropout.js';
import { segmentSum } from './segment_sum.js';
import { segmentMean } from './segment_mean.js';
import { segmentMax } from './segment_max.js';
import { segmentSoftmax } from './segment_softmax.js';
import { scaledDotProductAttention, scaledDotProductAttentionBackward } from './attention.js';
import { rope } from './rope.js';
import { sinkhorn, sinkhornBackward } from './sinkhorn.js';
import { hcPostRes, hcPostResBackward, hcPre, hcPreBackward } from './hc.js';
import { batchNorm, groupNorm, instanceNorm, layerNorm, layerNormBackward, rmsNorm, rmsNormBackward } from './norm.js';
import { adamStep, sgdStep } from './optim.js';

export type NativeKernelTable = { readonly [K in OpName]?: NativeKernel<AttrsOf<K>> };

export const NATIVE_KERNELS: NativeKernelTable = {
  neg: neg,
  abs: abs,
  sign: sign,
  exp: exp,
  log: log,
  log1p: log1p,
  expm1: expm1,
  sqrt: sqrt,
  rsqrt: rsqrt,
  reciprocal: reciprocal,
  square: square,
  sin: sin,
  cos: cos,
  tanh: tanh,
  sigmoid: sigmoid,
  relu: relu,
  leaky_relu: leakyRelu,
  elu: elu,
  selu: selu,
  celu: celu,
  gelu: gelu,
  silu: silu,
  mish: mish,
  softplus: softplus,
  softsign: softsign,
  hardtanh: hardtanh,
  hardsigmoid: hardsigmoid,
  hardswish: hardswish,
  logsigmoid: logsigmoid,
  add: add,
  sub: sub,
  mul: mul,
  div: div,
  pow: pow,
  maximum: maximum,
  minimum: minimum,
  where: where,
  clamp: clamp,
  eq: eq,
  ne: ne,
  lt: lt,
  le: le,
  gt: gt,
  ge: ge,
  sum: sum,
  mean: mean,
  prod: prod,
  max: max,
  min: min,
  var: variance,
  std: std,
  logsumexp: logsumexp,
  argmax: argmax,
  argmin: argmin,
  cumsum: cumsum,
  reshape: reshape,
  permute: permute,
  transpose: transpose,
  expand: expand,
  squeeze: squeeze,
  unsqueeze: unsqueeze,
  slice: slice,
  slice_scatter: sliceScatter,
  pad: pad,
  concat: concat,
  stack: stack,
  split: split,
  gather: gather,
  index_select: indexSelect,
  scatter_add: scatterAdd,
  one_hot: oneHot,
  tril: tril,
  triu: triu,
  flip: flip,
  matmul: matmul,
  linear: linear,
  cast: cast,
  softmax: softmax,
  log_softmax: logSoftmax,
  unfold: unfold,
  fold: fold,
  max_pool2d: maxPool2d,
  conv1d: conv1d,
  conv2d: conv2d,
  conv2d_weight_grad: conv2dWeightGrad,
  conv_transpose2d: convTranspose2d,
  avg_pool2d: avgPool2d,
  adaptive_avg_pool2d: adaptiveAvgPool2d,
  upsample: upsample,
  embedding: embedding,
  dropout: dropout,
  segment_sum: segmentSum,
  segment_mean: segmentMean,
  segment_max: segmentMax,
  segment_softmax: segmentSoftmax,
  scaled_dot_product_attention: scaledDotProductAttention,
  scaled_dot_product_attention_backward: scaledDotProductAttentionBackward,
  rope,
  layer_norm: layerNorm,
  rms_norm: rmsNorm,
  batch_norm: batchNorm,
  group_norm: groupNorm,
  instance_norm: instanceNorm,
  layer_norm_backward: layerNormBackward,
  rms_norm_backward: rmsNormBackward,
  sinkhorn: sinkhorn,
  sinkhorn_backward: sinkhornBackward,
  hc_pre: hcPre,
  hc_post_res: hcPostRes,
  hc_pre_backward: hcPreBackward,
  hc_post_res_backward: hcPostResBackward,
  sgd_step: sgdStep,
  adam_step: adamStep,
};
