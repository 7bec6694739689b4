// Reductions over the middle axis of x viewed as (outer, R, inner): one invocation per output
// (o, i) walks r = r0 .. r1 - 1 serially over x[o·R·inner + r·inner + i] (SwiftShader wants
// one-thread-per-row reductions without barriers, kernels.md §3.4; neighbouring invocations read
// neighbouring i, so loads coalesce on GPUs). A long R with few rows is split into chunks whose
// partial results a second pass combines (kernels/webgpu/reduce.ts), never with atomics.
//
// {{XT}} element type of x, {{OT}} of out, {{CT}} compute type, {{OP}} the function below.
// Float sums are compensated (nsum, math.wgsl), so they stay within a few ulps of the exact sum
// even when large terms cancel.

@group(0) @binding(0) var<storage, read> x: array<{{XT}}>;
@group(0) @binding(1) var<storage, read_write> out: array<{{OT}}>;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  chunk: u32,
  // var/std: the divisor max(0, N - correction); mean: N (of the whole reduction).
  divisor: f32,
  // -inf (WGSL has no infinity literal, and a constant one is rejected).
  neg_inf: f32,
  pad0: u32,
  pad1: u32,
}
@group(0) @binding(2) var<uniform> P: Params;

{{MATH}}

fn load(k: u32) -> {{CT}} {
  return {{CT}}(x[k]);
}

fn r_sum(base: u32, r0: u32, r1: u32) -> f32 {
  var acc = vec2<f32>(0.0);
  for (var r = r0; r < r1; r++) {
    acc = nsum(acc, f32(load(base + r * P.inner)));
  }
  return acc.x + acc.y;
}

// int32 sums wrap around like torch's int64 would not; int32 is what we have.
fn r_isum(base: u32, r0: u32, r1: u32) -> {{CT}} {
  var s = {{CT}}(0);
  for (var r = r0; r < r1; r++) {
    s = s + load(base + r * P.inner);
  }
  return s;
}

fn r_mean(base: u32, r0: u32, r1: u32) -> f32 {
  return r_sum(base, r0, r1) / P.divisor;
}

fn r_prod(base: u32, r0: u32, r1: u32) -> {{CT}} {
  var p = {{CT}}(1);
  for (var r = r0; r < r1; r++) {
    p = p * load(base + r * P.inner);
  }
  return p;
}

// NaN anywhere gives NaN (torch.amax): once m is NaN no comparison replaces it.
fn r_max(base: u32, r0: u32, r1: u32) -> {{CT}} {
  var m = load(base + r0 * P.inner);
  for (var r = r0 + 1u; r < r1; r++) {
    let v = load(base + r * P.inner);
    if (v > m || v != v) {
      m = v;
    }
  }
  return m;
}

fn r_min(base: u32, r0: u32, r1: u32) -> {{CT}} {
  var m = load(base + r0 * P.inner);
  for (var r = r0 + 1u; r < r1; r++) {
    let v = load(base + r * P.inner);
    if (v < m || v != v) {
      m = v;
    }
  }
  return m;
}

// Two passes: mean, then Σ(x - mean)² / max(0, N - correction).
fn r_var(base: u32, r0: u32, r1: u32) -> f32 {
  let m = r_sum(base, r0, r1) / f32(r1 - r0);
  var acc = vec2<f32>(0.0);
  for (var r = r0; r < r1; r++) {
    let d = f32(load(base + r * P.inner)) - m;
    acc = nsum(acc, d * d);
  }
  return (acc.x + acc.y) / P.divisor;
}

fn r_std(base: u32, r0: u32, r1: u32) -> f32 {
  return sqrt(r_var(base, r0, r1));
}

// m + log Σ exp(x - m): all -inf (or empty) gives -inf, any +inf gives +inf, any NaN gives NaN.
fn r_logsumexp(base: u32, r0: u32, r1: u32) -> f32 {
  var m = P.neg_inf;
  for (var r = r0; r < r1; r++) {
    let v = f32(load(base + r * P.inner));
    if (v != v) {
      return v;
    }
    m = max(m, v);
  }
  if (m == P.neg_inf || m == -P.neg_inf) {
    return m;
  }
  var acc = vec2<f32>(0.0);
  for (var r = r0; r < r1; r++) {
    acc = nsum(acc, zexp(f32(load(base + r * P.inner)) - m));
  }
  return m + log(acc.x + acc.y);
}

// First index of the best value (ties keep the first; the first NaN wins, as torch).
fn r_argmax(base: u32, r0: u32, r1: u32) -> i32 {
  var best = r0;
  var bv = load(base + r0 * P.inner);
  for (var r = r0 + 1u; r < r1; r++) {
    if (bv != bv) {
      break;
    }
    let v = load(base + r * P.inner);
    if (v > bv || v != v) {
      best = r;
      bv = v;
    }
  }
  return i32(best - r0);
}

fn r_argmin(base: u32, r0: u32, r1: u32) -> i32 {
  var best = r0;
  var bv = load(base + r0 * P.inner);
  for (var r = r0 + 1u; r < r1; r++) {
    if (bv != bv) {
      break;
    }
    let v = load(base + r * P.inner);
    if (v < bv || v != v) {
      best = r;
      bv = v;
    }
  }
  return i32(best - r0);
}

// Output id = (o · chunks + c) · inner + i: chunk c of row (o, i) covers r in [c·chunk, (c+1)·chunk).
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  let chunks = max((P.len + P.chunk - 1u) / P.chunk, 1u);
  if (id >= P.rows * chunks) {
    return;
  }
  let i = id % P.inner;
  let oc = id / P.inner;
  let c = oc % chunks;
  let o = oc / chunks;
  let base = o * P.len * P.inner + i;
  let r0 = c * P.chunk;
  let r1 = min(r0 + P.chunk, P.len);
  out[id] = {{OT}}({{OP}}(base, r0, r1));
}
