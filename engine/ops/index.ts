// The op registry: one line per op. Op names are `keyof typeof OPS`; the gradient checks, parity
// checks, `zoo list` and the backends' kernel tables are all driven from here.
import type { OpDef } from '../op.js';
import { negOp } from './unary/neg.js';
import { absOp } from './unary/abs.js';
import { signOp } from './unary/sign.js';
import { expOp } from './unary/exp.js';
import { logOp } from './unary/log.js';
import { log1pOp } from './unary/log1p.js';
import { expm1Op } from './unary/expm1.js';
import { sqrtOp } from './unary/sqrt.js';
import { rsqrtOp } from './unary/rsqrt.js';
import { reciprocalOp } from './unary/reciprocal.js';
import { squareOp } from './unary/square.js';
import { sinOp } from './unary/sin.js';
import { cosOp } from './unary/cos.js';
import { tanhOp } from './unary/tanh.js';
import { sigmoidOp } from './unary/sigmoid.js';
import { reluOp } from './unary/relu.js';
import { leakyReluOp } from './unary/leaky_relu.js';
import { eluOp } from './unary/elu.js';
import { seluOp } from './unary/selu.js';
import { celuOp } from './unary/celu.js';
import { geluOp } from './unary/gelu.js';
import { siluOp } from './unary/silu.js';
import { mishOp } from './unary/mish.js';
import { softplusOp } from './unary/softplus.js';
import { softsignOp } from './unary/softsign.js';
import { hardtanhOp } from './unary/hardtanh.js';
import { hardsigmoidOp } from './unary/hardsigmoid.js';
import { hardswishOp } from './unary/hardswish.js';
import { logsigmoidOp } from './unary/logsigmoid.js';
import { addOp } from './binary/add.js';
import { subOp } from './binary/sub.js';
import { mulOp } from './binary/mul.js';
import { divOp } from './binary/div.js';
import { powOp } from './binary/pow.js';
import { maximumOp } from './binary/maximum.js';
import { minimumOp } from './binary/minimum.js';
import { whereOp } from './binary/where.js';
import { clampOp } from './binary/clamp.js';
import { eqOp } from './compare/eq.js';
import { neOp } from './compare/ne.js';
import { ltOp } from './compare/lt.js';
import { leOp } from './compare/le.js';
import { gtOp } from './compare/gt.js';
import { geOp } from './compare/ge.js';
import { sumOp } from './reduce/sum.js';
import { meanOp } from './reduce/mean.js';
import { prodOp } from './reduce/prod.js';
import { maxOp } from './reduce/max.js';
import { minOp } from './reduce/min.js';
import { varOp } from './reduce/var.js';
import { stdOp } from './reduce/std.js';
import { logsumexpOp } from './reduce/logsumexp.js';
import { argmaxOp } from './reduce/argmax.js';
import { argminOp } from './reduce/argmin.js';
import { cumsumOp } from './reduce/cumsum.js';
import { reshapeOp } from './movement/reshape.js';
import { permuteOp } from './movement/permute.js';
import { transposeOp } from './movement/transpose.js';
import { expandOp } from './movement/expand.js';
import { squeezeOp } from './movement/squeeze.js';
import { unsqueezeOp } from './movement/unsqueeze.js';
import { sliceOp } from './movement/slice.js';
import { sliceScatterOp } from './movement/slice_scatter.js';
import { padOp } from './movement/pad.js';
import { concatOp } from './movement/concat.js';
import { stackOp } from './movement/stack.js';
import { splitOp } from './movement/split.js';
import { gatherOp } from './movement/gather.js';
import { indexSelectOp } from './movement/index_select.js';
import { scatterAddOp } from './movement/scatter_add.js';
import { oneHotOp } from './movement/one_hot.js';
import { trilOp } from './movement/tril.js';
import { triuOp } from './movement/triu.js';
import { flipOp } from './movement/flip.js';
import { matmulOp } from './linalg/matmul.js';
import { linearOp } from './linalg/linear.js';
import { castOp } from './linalg/cast.js';
import { softmaxOp } from './nn/softmax.js';
import { logSoftmaxOp } from './nn/log_softmax.js';
import { conv1dOp } from './nn/conv1d.js';
import { conv2dOp } from './nn/conv2d.js';
import { conv2dWeightGradOp } from './nn/conv2d_weight_grad.js';
import { convTranspose2dOp } from './nn/conv_transpose2d.js';
import { unfoldOp } from './nn/unfold.js';
import { foldOp } from './nn/fold.js';
import { maxPool2dOp } from './nn/max_pool2d.js';
import { avgPool2dOp } from './nn/avg_pool2d.js';
import { adaptiveAvgPool2dOp } from './nn/adaptive_avg_pool2d.js';
import { upsampleOp } from './nn/upsample.js';
import { embeddingOp } from './nn/embedding.js';
import { dropoutOp } from './nn/dropout.js';
import { layerNormOp } from './nn/layer_norm.js';
import { rmsNormOp } from './nn/rms_norm.js';
import { layerNormBackwardOp } from './nn/layer_norm_backward.js';
import { rmsNormBackwardOp } from './nn/rms_norm_backward.js';
import { batchNormOp } from './nn/batch_norm.js';
import { groupNormOp } from './nn/group_norm.js';
import { instanceNormOp } from './nn/instance_norm.js';
import { scaledDotProductAttentionOp } from './nn/scaled_dot_product_attention.js';
import { scaledDotProductAttentionBackwardOp } from './nn/scaled_dot_product_attention_backward.js';
import { ropeOp } from './nn/rope.js';
import { segmentSumOp } from './nn/segment_sum.js';
import { segmentMeanOp } from './nn/segment_mean.js';
import { segmentMaxOp } from './nn/segment_max.js';
import { segmentSoftmaxOp } from './nn/segment_softmax.js';
import { sgdStepOp } from './optim/sgd_step.js';
import { adamStepOp } from './optim/adam_step.js';
import { sinkhornOp } from './nn/sinkhorn.js';
import { sinkhornBackwardOp } from './nn/sinkhorn_backward.js';
import { hcPreOp } from './nn/hc_pre.js';
import { hcPostResOp } from './nn/hc_post_res.js';
import { hcPreBackwardOp } from './nn/hc_pre_backward.js';
import { hcPostResBackwardOp } from './nn/hc_post_res_backward.js';

export const OPS = {
  neg: negOp,
  abs: absOp,
  sign: signOp,
  exp: expOp,
  log: logOp,
  log1p: log1pOp,
  expm1: expm1Op,
  sqrt: sqrtOp,
  rsqrt: rsqrtOp,
  reciprocal: reciprocalOp,
  square: squareOp,
  sin: sinOp,
  cos: cosOp,
  tanh: tanhOp,
  sigmoid: sigmoidOp,
  relu: reluOp,
  leaky_relu: leakyReluOp,
  elu: eluOp,
  selu: seluOp,
  celu: celuOp,
  gelu: geluOp,
  silu: siluOp,
  mish: mishOp,
  softplus: softplusOp,
  softsign: softsignOp,
  hardtanh: hardtanhOp,
  hardsigmoid: hardsigmoidOp,
  hardswish: hardswishOp,
  logsigmoid: logsigmoidOp,
  add: addOp,
  sub: subOp,
  mul: mulOp,
  div: divOp,
  pow: powOp,
  maximum: maximumOp,
  minimum: minimumOp,
  where: whereOp,
  clamp: clampOp,
  eq: eqOp,
  ne: neOp,
  lt: ltOp,
  le: leOp,
  gt: gtOp,
  ge: geOp,
  sum: sumOp,
  mean: meanOp,
  prod: prodOp,
  max: maxOp,
  min: minOp,
  var: varOp,
  std: stdOp,
  logsumexp: logsumexpOp,
  argmax: argmaxOp,
  argmin: argminOp,
  cumsum: cumsumOp,
  reshape: reshapeOp,
  permute: permuteOp,
  transpose: transposeOp,
  expand: expandOp,
  squeeze: squeezeOp,
  unsqueeze: unsqueezeOp,
  slice: sliceOp,
  slice_scatter: sliceScatterOp,
  pad: padOp,
  concat: concatOp,
  stack: stackOp,
  split: splitOp,
  gather: gatherOp,
  index_select: indexSelectOp,
  scatter_add: scatterAddOp,
  one_hot: oneHotOp,
  tril: trilOp,
  triu: triuOp,
  flip: flipOp,
  matmul: matmulOp,
  linear: linearOp,
  cast: castOp,
  softmax: softmaxOp,
  log_softmax: logSoftmaxOp,
  conv1d: conv1dOp,
  conv2d: conv2dOp,
  conv2d_weight_grad: conv2dWeightGradOp,
  conv_transpose2d: convTranspose2dOp,
  unfold: unfoldOp,
  fold: foldOp,
  max_pool2d: maxPool2dOp,
  avg_pool2d: avgPool2dOp,
  adaptive_avg_pool2d: adaptiveAvgPool2dOp,
  upsample: upsampleOp,
  embedding: embeddingOp,
  dropout: dropoutOp,
  layer_norm: layerNormOp,
  rms_norm: rmsNormOp,
  layer_norm_backward: layerNormBackwardOp,
  rms_norm_backward: rmsNormBackwardOp,
  batch_norm: batchNormOp,
  group_norm: groupNormOp,
  instance_norm: instanceNormOp,
  scaled_dot_product_attention: scaledDotProductAttentionOp,
  scaled_dot_product_attention_backward: scaledDotProductAttentionBackwardOp,
  rope: ropeOp,
  segment_sum: segmentSumOp,
  segment_mean: segmentMeanOp,
  segment_max: segmentMaxOp,
  segment_softmax: segmentSoftmaxOp,
  sgd_step: sgdStepOp,
  adam_step: adamStepOp,
  sinkhorn: sinkhornOp,
  sinkhorn_backward: sinkhornBackwardOp,
  hc_pre: hcPreOp,
  hc_post_res: hcPostResOp,
  hc_pre_backward: hcPreBackwardOp,
  hc_post_res_backward: hcPostResBackwardOp,
} as const;

export type OpName = keyof typeof OPS;
export type AttrsOf<K extends OpName> = (typeof OPS)[K] extends OpDef<string, infer A> ? A : never;

export const OP_NAMES = Object.keys(OPS) as OpName[];

export function isOpName(s: string): s is OpName {
  return Object.hasOwn(OPS, s);
}
