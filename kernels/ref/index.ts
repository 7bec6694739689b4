// The reference kernel table. It is total over the op registry: a missing entry does not compile.
import type { AttrsOf, OpName } from '../../engine/ops/index.js';
import type { RefKernel } from './types.js';
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
import { conv1d } from './conv1d.js';
import { conv2d } from './conv2d.js';
import { conv2dWeightGrad } from './conv2d_weight_grad.js';
import { convTranspose2d } from './conv_transpose2d.js';
import { unfold } from './unfold.js';
import { fold } from './fold.js';
import { maxPool2d } from './max_pool2d.js';
import { avgPool2d } from './avg_pool2d.js';
import { adaptiveAvgPool2d } from './adaptive_avg_pool2d.js';
import { upsample } from './upsample.js';
import { embedding } from './embedding.js';
import { dropout } from './dropout.js';
import { layerNorm } from './layer_norm.js';
import { rmsNorm } from './rms_norm.js';
import { layerNormBackward } from './layer_norm_backward.js';
import { rmsNormBackward } from './rms_norm_backward.js';
import { batchNorm } from './batch_norm.js';
import { groupNorm } from './group_norm.js';
import { instanceNorm } from './instance_norm.js';
import { scaledDotProductAttention } from './scaled_dot_product_attention.js';
import { scaledDotProductAttentionBackward } from './scaled_dot_product_attention_backward.js';
import { rope } from './rope.js';
import { segmentSum } from './segment_sum.js';
import { segmentMean } from './segment_mean.js';
import { segmentMax } from './segment_max.js';
import { segmentSoftmax } from './segment_softmax.js';
import { sgdStep } from './sgd_step.js';
import { adamStep } from './adam_step.js';
import { sinkhorn } from './sinkhorn.js';
import { sinkhornBackward } from './sinkhorn_backward.js';
import { hcPre } from './hc_pre.js';
import { hcPostRes } from './hc_post_res.js';
import { hcPreBackward } from './hc_pre_backward.js';
import { hcPostResBackward } from './hc_post_res_backward.js';

export const REF_KERNELS: { readonly [K in OpName]: RefKernel<AttrsOf<K>> } = {
  neg,
  abs,
  sign,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  reciprocal,
  square,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  leaky_relu: leakyRelu,
  elu,
  selu,
  celu,
  gelu,
  silu,
  mish,
  softplus,
  softsign,
  hardtanh,
  hardsigmoid,
  hardswish,
  logsigmoid,
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  where,
  clamp,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  sum,
  mean,
  prod,
  max,
  min,
  var: variance,
  std,
  logsumexp,
  argmax,
  argmin,
  cumsum,
  reshape,
  permute,
  transpose,
  expand,
  squeeze,
  unsqueeze,
  slice,
  slice_scatter: sliceScatter,
  pad,
  concat,
  stack,
  split,
  gather,
  index_select: indexSelect,
  scatter_add: scatterAdd,
  one_hot: oneHot,
  tril,
  triu,
  flip,
  matmul,
  linear,
  cast,
  softmax,
  log_softmax: logSoftmax,
  conv1d,
  conv2d,
  conv2d_weight_grad: conv2dWeightGrad,
  conv_transpose2d: convTranspose2d,
  unfold,
  fold,
  max_pool2d: maxPool2d,
  avg_pool2d: avgPool2d,
  adaptive_avg_pool2d: adaptiveAvgPool2d,
  upsample,
  embedding,
  dropout,
  layer_norm: layerNorm,
  rms_norm: rmsNorm,
  layer_norm_backward: layerNormBackward,
  rms_norm_backward: rmsNormBackward,
  batch_norm: batchNorm,
  group_norm: groupNorm,
  instance_norm: instanceNorm,
  scaled_dot_product_attention: scaledDotProductAttention,
  scaled_dot_product_attention_backward: scaledDotProductAttentionBackward,
  rope,
  segment_sum: segmentSum,
  segment_mean: segmentMean,
  segment_max: segmentMax,
  segment_softmax: segmentSoftmax,
  sgd_step: sgdStep,
  adam_step: adamStep,
  sinkhorn,
  sinkhorn_backward: sinkhornBackward,
  hc_pre: hcPre,
  hc_post_res: hcPostRes,
  hc_pre_backward: hcPreBackward,
  hc_post_res_backward: hcPostResBackward,
};
