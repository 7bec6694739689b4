// gather (torch.gather): out[p] = x[p with coordinate `axis` replaced by index[p]], one
// invocation per position p of index (row-major). Type-agnostic bit copy.
// NOTE: an index outside [0, size) yields 0 (the ref kernel raises a ValueError; a GPU kernel
// cannot raise, and reading out of bounds would be undefined).

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

struct Params {
  n: u32,
  rank: u32,
  axis_size: i32,
  axis_stride: u32,
  // Index shape, and x's strides with the axis stride zeroed.
  shape: array<vec4<i32>, 2>,
  x_stride: array<vec4<i32>, 2>,
}
@group(0) @binding(3) var<uniform> P: Params;

fn at(a: array<vec4<i32>, 2>, d: u32) -> i32 {
  return a[d >> 2u][d & 3u];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  var rem = i;
  var off = 0u;
  for (var d = P.rank; d > 0u; d--) {
    let size = u32(at(P.shape, d - 1u));
    off += (rem % size) * u32(at(P.x_stride, d - 1u));
    rem = rem / size;
  }
  let j = index[i];
  if (j >= 0 && j < P.axis_size) {
    out[i] = x[off + u32(j) * P.axis_stride];
  } else {
    out[i] = 0u;
  }
}
