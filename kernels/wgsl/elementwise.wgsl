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
// Math helpers: WGSL's builtins are accurate enough for exp/log/sqrt, but tanh, expm1, log1p,
// softplus, sigmoid and erf are written out so they neither overflow nor cancel (pitfall §6.10).

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

const SELU_ALPHA: f32 = 1.6732632423543772848170429916717;
const SELU_SCALE: f32 = 1.0507009873554804934193349852946;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT_2: f32 = 0.7071067811865476;

fn is_nan(x: f32) -> bool {
  return !(x == x);
}

// e^x - 1: Taylor series below |x| = 0.5 (relative error < 1e-8), exp(x) - 1 above.
fn zexpm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0)))))));
  }
  return exp(x) - 1.0;
}

// log(1 + x) with Goldberg's correction: log(u) * x / (u - 1), u = 1 + x rounded.
fn zlog1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) {
    return x;
  }
  return log(u) * (x / (u - 1.0));
}

// tanh(|x|) = -expm1(-2|x|) / (2 + expm1(-2|x|)): no overflow, no cancellation near 0.
fn ztanh(x: f32) -> f32 {
  let t = zexpm1(-2.0 * abs(x));
  let r = -t / (2.0 + t);
  return select(r, -r, x < 0.0);
}

fn zsigmoid(x: f32) -> f32 {
  if (x >= 0.0) {
    return 1.0 / (1.0 + exp(-x));
  }
  let e = exp(x);
  return e / (1.0 + e);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
fn zsoftplus(x: f32) -> f32 {
  return max(x, 0.0) + zlog1p(exp(-abs(x)));
}

// erfc(z) with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so
// x·Φ(x) keeps its relative accuracy in the left tail where 1 + erf(x/√2) would cancel.
fn zerfc(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * abs(z));
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(-z * z + p);
  return select(2.0 - r, r, z >= 0.0);
}

fn zphi(x: f32) -> f32 {
  return 0.5 * zerfc(-x * INV_SQRT_2);
}

// C pow (what torch uses): pow(1, y) = 1, pow(-1, ±inf) = 1, negative bases need integer exponents.
fn zpow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) {
    return 1.0;
  }
  if (is_nan(a) || is_nan(b)) {
    return a + b;
  }
  let m = abs(a);
  if (m == 0.0) {
    return select(select(1.0 / m, 0.0, b > 0.0), 1.0, b == 0.0);
  }
  let r = exp2(b * log2(m));
  if (a > 0.0) {
    return r;
  }
  if (floor(b) != b) {
    return (a - a) / (a - a);
  }
  let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  return select(r, -r, odd);
}

// Integer power with int32 wrap-around; negative exponents truncate 1/a^|b| toward zero.
fn ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) {
      return 1;
    }
    if (a == -1) {
      return select(1, -1, (b & 1) == 1);
    }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) {
      break;
    }
    if ((e & 1) == 1) {
      r = r * base;
    }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}

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
