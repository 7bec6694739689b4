// max_pool2d: one invocation per output (plane, r, q) scans the in-range taps in window order
// (row, then column); a later value replaces the max when larger or NaN (torch's CPU rule). The
// index (into the plane, h·W + w) starts at the first in-range tap; a window that reads only
// padding gets -inf and the in-range pixel nearest its start, as the ref kernel.

{{WINDOW_COMMON}}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<i32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let L = u32(P.oh * P.ow);
  let r = i32(i % L) / P.ow;
  let q = i32(i % L) % P.ow;
  let plane = (i / L) * u32(P.H * P.W);
  let r0 = r * P.sh - P.lo_h;
  let q0 = q * P.sw - P.lo_w;
  var best = P.neg_inf;
  var arg = -1;
  for (var ki = 0; ki < P.kh; ki++) {
    let row = r0 + ki * P.dh;
    if (row < 0 || row >= P.H) {
      continue;
    }
    for (var kj = 0; kj < P.kw; kj++) {
      let col = q0 + kj * P.dw;
      if (col < 0 || col >= P.W) {
        continue;
      }
      let t = row * P.W + col;
      if (arg < 0) {
        arg = t;
      }
      let v = x[plane + u32(t)];
      if (v > best || v != v) {
        best = v;
        arg = t;
      }
    }
  }
  if (arg < 0) {
    arg = clamp(r0, 0, P.H - 1) * P.W + clamp(q0, 0, P.W - 1);
  }
  out[i] = best;
  indices[i] = arg;
}
