// The geometry shared by unfold, fold and max_pool2d (spliced in at {{WINDOW_COMMON}}): planes of
// (H, W) (one per (n, c)), kernel (kh, kw), stride, dilation, leading padding lo and the output
// grid (oh, ow). Tap (ki, kj) of output position (r, q) reads row r·sh - lo_h + ki·dh and column
// q·sw - lo_w + kj·dw, when those lie inside the plane.

struct Params {
  n: u32,
  planes: u32,
  H: i32,
  W: i32,
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
  // -inf (WGSL has no infinity literal).
  neg_inf: f32,
  pad1: u32,
}
