// The shared elementwise template: out[i] = EXPR(a, b, c) with NumPy broadcasting, for every
// unary, binary, comparison, where, clamp and cast op (the expressions live in
// kernels/webgpu/elementwise.ts). One invocation per output element, 64 per workgroup, launched
// 1-D and folded into 2-D past 65,535 workgroups.
//
// Placeholders: {{BINDINGS}} the storage arrays in0..in2 and out (element types by dtype),
// {{T}} the compute type, {{LOADS}} `let a = ...;` lines, {{EXPR}} the result in T,
// {{STORE}} its conversion to the output element type, {{BROADCAST}} true when some input needs
// strided offsets (o0..o2).
//
// {{MATH}} is kernels/wgsl/math.wgsl (accurate tanh, expm1, log1p, sin, cos, erfc, pow, ...).

{{BINDINGS}}

struct Params {
  n: u32,
  rank: u32,
  p0: f32,
  p1: f32,
  shape: array<vec4<i32>, 2>,
  st0: array<vec4<i32>, 2>,
  st1: array<vec4<i32>, 2>,
  st2: array<vec4<i32>, 2>,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

fn dim(a: array<vec4<i32>, 2>, d: u32) -> i32 {
  return a[d >> 2u][d & 3u];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  var o0 = 0;
  var o1 = 0;
  var o2 = 0;
  if ({{BROADCAST}}) {
    var rem = i;
    for (var d = P.rank; d > 0u; d--) {
      let size = u32(dim(P.shape, d - 1u));
      let k = i32(rem % size);
      rem = rem / size;
      o0 += k * dim(P.st0, d - 1u);
      o1 += k * dim(P.st1, d - 1u);
      o2 += k * dim(P.st2, d - 1u);
    }
  }
{{LOADS}}
  let r: {{T}} = {{EXPR}};
  out[i] = {{STORE}};
}
