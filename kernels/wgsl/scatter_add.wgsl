// scatter_add (torch.scatter_add), deterministic without float atomics (WGSL has none; a CAS
// loop would make the summation order vary): one invocation per element q of out = x. It walks
// the index positions p that share q's coordinates off the axis (p_axis = 0 .. index_axis - 1)
// and adds src[p] wherever index[p] == q_axis, in that fixed order.
//   out[q] = x[q] + Σ_{p: index[p] = q_axis} src[p]
// Cost O(numel(x) · index.size(axis)). Float sums are compensated (nsum); {{INT}} for int32.

@group(0) @binding(0) var<storage, read> x: array<{{T}}>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read> src: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> out: array<{{T}}>;

struct Params {
  n: u32,
  rank: u32,
  axis: u32,
  pad: u32,
  x_shape: array<vec4<i32>, 2>,
  index_shape: array<vec4<i32>, 2>,
  index_stride: array<vec4<i32>, 2>,
  src_stride: array<vec4<i32>, 2>,
}
@group(0) @binding(4) var<uniform> P: Params;

{{MATH}}

fn at(a: array<vec4<i32>, 2>, d: u32) -> i32 {
  return a[d >> 2u][d & 3u];
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let q = flat_id(wid, nwg, lid, 64u);
  if (q >= P.n) {
    return;
  }
  var rem = q;
  var ioff = 0u;
  var soff = 0u;
  var want = 0;
  var covered = true;
  for (var d = P.rank; d > 0u; d--) {
    let k = d - 1u;
    let size = u32(at(P.x_shape, k));
    let c = rem % size;
    rem = rem / size;
    if (k == P.axis) {
      want = i32(c);
    } else {
      covered = covered && c < u32(at(P.index_shape, k));
      ioff += c * u32(at(P.index_stride, k));
      soff += c * u32(at(P.src_stride, k));
    }
  }
  var s = x[q];
  var acc = vec2<f32>(f32(x[q]), 0.0);
  if (covered) {
    let m = u32(at(P.index_shape, P.axis));
    let istep = u32(at(P.index_stride, P.axis));
    let sstep = u32(at(P.src_stride, P.axis));
    for (var p = 0u; p < m; p++) {
      if (index[ioff + p * istep] == want) {
        if ({{INT}}) {
          s += src[soff + p * sstep];
        } else {
          acc = nsum(acc, f32(src[soff + p * sstep]));
        }
      }
    }
  }
  if ({{INT}}) {
    out[q] = s;
  } else {
    out[q] = {{T}}(acc.x + acc.y);
  }
}
