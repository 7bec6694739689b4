// Strided copy, the one movement kernel behind permute, transpose, expand, slice, flip, pad,
// concat, stack, split and slice_scatter (kernels/webgpu/movement.ts). Type-agnostic: every dtype
// is 4 bytes, so elements are copied as u32 bit patterns.
//
// For each position j of the iteration shape (row-major, one invocation each):
//   source index along dim d: p_d = start_d + j_d · step_d   (step 0 broadcasts, -1 flips)
//   mode 1 (constant pad): any p_d outside [0, size_d) writes `fill` instead
//   mode 2 (reflect pad):  p_d is reflected into [0, size_d) first
//   out[dst_base + Σ j_d · dst_stride_d] = x[src_base + Σ p_d · src_stride_d]

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

struct Params {
  n: u32,
  rank: u32,
  src_base: i32,
  dst_base: i32,
  mode: u32,
  fill: u32,
  shape: array<vec4<i32>, 2>,
  start: array<vec4<i32>, 2>,
  step: array<vec4<i32>, 2>,
  src_stride: array<vec4<i32>, 2>,
  src_size: array<vec4<i32>, 2>,
  dst_stride: array<vec4<i32>, 2>,
}
@group(0) @binding(2) var<uniform> P: Params;

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
  var src = P.src_base;
  var dst = P.dst_base;
  var inside = true;
  for (var d = P.rank; d > 0u; d--) {
    let k = d - 1u;
    let size = u32(at(P.shape, k));
    // The outermost index is what is left (no wrap-around), so a position past the end stays
    // past the end instead of aliasing position 0.
    let j = i32(select(rem % size, rem, k == 0u));
    rem = rem / size;
    var p = at(P.start, k) + j * at(P.step, k);
    let n = at(P.src_size, k);
    if (P.mode == 2u) {
      p = select(p, -p, p < 0);
      p = select(p, 2 * (n - 1) - p, p >= n);
    }
    if (P.mode != 0u && (p < 0 || p >= n)) {
      inside = false;
    }
    src += p * at(P.src_stride, k);
    dst += j * at(P.dst_stride, k);
  }
  // NOTE: a branch, not select(): select would read x out of bounds for padded positions.
  if (inside) {
    out[dst] = x[src];
  } else {
    out[dst] = P.fill;
  }
}
