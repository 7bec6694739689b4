// unfold (im2col): out[n, c·K + ki·kw + kj, r·ow + q] = x[n, c, row, col] or 0 in the padding,
// K = kh·kw, one invocation per output element. Also the first half of conv2d's decomposition.

{{WINDOW_COMMON}}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let L = u32(P.oh * P.ow);
  let K = u32(P.kh * P.kw);
  let l = i32(i % L);
  let t = i32((i / L) % K);
  let plane = i / (L * K);
  let row = (l / P.ow) * P.sh - P.lo_h + (t / P.kw) * P.dh;
  let col = (l % P.ow) * P.sw - P.lo_w + (t % P.kw) * P.dw;
  if (row >= 0 && row < P.H && col >= 0 && col < P.W) {
    out[i] = x[plane * u32(P.H * P.W) + u32(row * P.W + col)];
  } else {
    out[i] = 0.0;
  }
}
