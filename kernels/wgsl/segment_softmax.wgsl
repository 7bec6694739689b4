// segment_softmax in two passes ({{PASS}}) over the CSR layout of the ids (segment_csr.wgsl):
//   0 stats      one invocation per (s, j) of a non-empty segment: m = max over the segment's
//                edges (a NaN wins, as in ref), z = Σ exp(x - m) (compensated), stored as
//                stats[2q], stats[2q + 1] (empty segments are never read)
//   1 normalize  one invocation per (e, j): y[e, j] = exp(x[e, j] - m) / z of e's segment
// Every output element is written by pass 1; an edge whose id is outside [0, N) (which the ref
// kernel rejects with a ValueError; device data cannot raise) gets NaN.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> start: array<u32>;
@group(0) @binding(3) var<storage, read> perm: array<u32>;
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

struct Params {
  n: u32,
  inner: u32,
  segments: u32,
  // NaN (WGSL has no NaN literal, and a constant one is rejected).
  nan: f32,
}
@group(0) @binding(6) var<uniform> P: Params;

const PASS: u32 = {{PASS}}u;

{{MATH}}

fn segment_stats(q: u32) {
  let s = q / P.inner;
  let j = q % P.inner;
  let lo = start[s];
  let hi = start[s + 1u];
  if (lo == hi) {
    return;
  }
  var m = x[perm[lo] * P.inner + j];
  for (var k = lo + 1u; k < hi; k++) {
    let v = x[perm[k] * P.inner + j];
    if (v > m || is_nan(v)) {
      m = v;
    }
  }
  var z = vec2<f32>(0.0, 0.0);
  for (var k = lo; k < hi; k++) {
    z = nsum(z, zexp(x[perm[k] * P.inner + j] - m));
  }
  stats[2u * q] = m;
  stats[2u * q + 1u] = z.x + z.y;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let q = flat_id(wid, nwg, lid, 64u);
  if (q >= P.n) {
    return;
  }
  if (PASS == 0u) {
    segment_stats(q);
    return;
  }
  let s = ids[q / P.inner];
  if (s < 0 || u32(s) >= P.segments) {
    out[q] = P.nan;
    return;
  }
  let at = u32(s) * P.inner + q % P.inner;
  out[q] = zexp(x[q] - stats[2u * at]) / stats[2u * at + 1u];
}
