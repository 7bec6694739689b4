// The inputs and the Params block shared by the attention shaders (spliced in at {{ATTN_PARAMS}};
// one layout for forward and backward, filled by attnParams in kernels/webgpu/attention.ts).
// {{PARAMS_BINDING}}: the uniform's binding, after the kernel's own outputs.

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> mask: array<u32>;
@group(0) @binding(5) var<storage, read> pad: array<u32>;

struct Params {
  rows: u32,
  H: u32,
  G: u32,
  Tq: u32,
  Tk: u32,
  D: u32,
  Dv: u32,
  causal: u32,
  scale: f32,
  // -inf (WGSL has no infinity literal).
  neg_inf: f32,
  pad_b: u32,
  pad_k: u32,
  // Backward only: dS as whole rows (0) or one 0·Σ dS per row (1).
  ds_rows: u32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
  st: array<vec4<i32>, 2>,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;
