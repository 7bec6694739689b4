// The conv geometry shared by conv2d, conv_transpose2d and conv2d_weight_grad (spliced in at
// {{CONV_PARAMS}}; packed by convParams in kernels/webgpu/conv.ts): x (N, C, H, W), weight
// (O, C/G, kh, kw) for conv2d, stride (sh, sw), dilation (dh, dw), leading padding (lo_h, lo_w)
// and the conv2d output grid (oh, ow) (for conv_transpose2d, the conv2d it is the adjoint of:
// its output is (H, W) and its input (oh, ow)). z0 is added to workgroup_id.z.

struct Params {
  N: u32,
  C: u32,
  H: i32,
  W: i32,
  O: u32,
  G: u32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  lo_h: i32,
  lo_w: i32,
  oh: i32,
  ow: i32,
  has_bias: u32,
  z0: u32,
  pad0: u32,
  pad1: u32,
}
