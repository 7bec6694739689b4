// index_select (and embedding): x viewed as (outer, size, inner), out as (outer, n, inner):
//   out[r, k, j] = x[r, index[k], j]
// one invocation per output element. Type-agnostic bit copy.
// NOTE: an index outside [0, size) yields 0 (the ref kernel raises a ValueError).

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

struct Params {
  total: u32,
  n: u32,
  inner: u32,
  size: i32,
}
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.total) {
    return;
  }
  let j = i % P.inner;
  let k = (i / P.inner) % P.n;
  let r = i / (P.inner * P.n);
  let v = index[k];
  if (v >= 0 && v < P.size) {
    out[i] = x[(r * u32(P.size) + u32(v)) * P.inner + j];
  } else {
    out[i] = 0u;
  }
}
