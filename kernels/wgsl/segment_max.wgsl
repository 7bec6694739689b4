// segment_max over the CSR layout of the ids (segment_csr.wgsl): one invocation per output element
// q = (s, j) of out (N, inner):
//   out[s, j] = max_{e: ids[e] = s} data[e, j]   (a NaN wins; empty segments 0)
// in increasing edge order, with the ref kernel's rule: a later value replaces the max when it is
// larger or NaN. {{T}} is f32 or i32 (for i32, v == v always holds).

@group(0) @binding(0) var<storage, read> data: array<{{T}}>;
@group(0) @binding(1) var<storage, read> start: array<u32>;
@group(0) @binding(2) var<storage, read> perm: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<{{T}}>;

struct Params {
  n: u32,
  inner: u32,
}
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let q = flat_id(wid, nwg, lid, 64u);
  if (q >= P.n) {
    return;
  }
  let s = q / P.inner;
  let j = q % P.inner;
  let lo = start[s];
  let hi = start[s + 1u];
  if (lo == hi) {
    out[q] = {{T}}(0);
    return;
  }
  var best = data[perm[lo] * P.inner + j];
  for (var k = lo + 1u; k < hi; k++) {
    let v = data[perm[k] * P.inner + j];
    if (v > best || !(v == v)) {
      best = v;
    }
  }
  out[q] = best;
}
