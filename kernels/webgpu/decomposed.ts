// The ops that run on webgpu through their decomposition (OpDef.decompose) instead of a WGSL
// kernel: every op is either in KERNELS (kernels/webgpu/kernels.ts) or here, never both, and a
// test (suites/webgpu.test.ts) enforces that. Each entry says what the decomposition runs on.
// Fusing one of these is a matter of adding its kernel and deleting its line (DESIGN.md §4).
import type { OpName } from '../../engine/ops/index.js';

export const DECOMPOSED: Readonly<Partial<Record<OpName, string>>> = {
  sinkhorn: 'max + exp + sum + div over the unrolled rounds',
  sinkhorn_backward: 'autodiff over the unrolled rounds',
  hc_pre: 'mul + sum',
  hc_post_res: 'matmul + mul + add',
  conv1d: 'unfold + matmul (implicit GEMM is future work)',
  conv2d: 'pad + unfold + matmul (+ add for the bias)',
  conv_transpose2d: 'matmul + fold',
  avg_pool2d: 'pad + unfold + sum + mul',
  adaptive_avg_pool2d: 'separable tap sums (matmul-free ops over the pooling taps)',
  upsample: 'separable tap sums over the interpolation taps',
  scaled_dot_product_attention: 'matmul + softmax (+ where for masks); SwiftShader wants the unfused form (kernels.md §3.3)',
  rope: 'slice + mul + add over cos/sin tables',
  scaled_dot_product_attention_backward: 'matmul + softmax + elementwise (the op-written backward)',
  segment_sum: 'zeros + expand + scatter_add',
  segment_mean: 'segment_sum + div',
  segment_max: 'dense masked max over segments',
  segment_softmax: 'segment_max + exp + segment_sum',
};
