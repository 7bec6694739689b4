// fold (col2im, the adjoint of unfold) as a gather, deterministic without atomics: one invocation
// per output pixel (n, c, h, w) sums, in tap order (ki, kj), the columns whose tap lands on it:
//   r = (h + lo_h - ki·dh) / sh and q = (w + lo_w - kj·dw) / sw, when exact and inside the grid
//   out[n, c, h, w] = Σ cols[n, c·K + ki·kw + kj, r·ow + q]

{{WINDOW_COMMON}}

@group(0) @binding(0) var<storage, read> cols: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let HW = u32(P.H * P.W);
  let w = i32(i % HW) % P.W;
  let h = i32(i % HW) / P.W;
  let plane = i / HW;
  let L = P.oh * P.ow;
  let base = plane * u32(P.kh * P.kw * L);
  var s = 0.0;
  for (var ki = 0; ki < P.kh; ki++) {
    let rs = h + P.lo_h - ki * P.dh;
    if (rs < 0 || rs % P.sh != 0 || rs / P.sh >= P.oh) {
      continue;
    }
    for (var kj = 0; kj < P.kw; kj++) {
      let qs = w + P.lo_w - kj * P.dw;
      if (qs < 0 || qs % P.sw != 0 || qs / P.sw >= P.ow) {
        continue;
      }
      s += cols[base + u32((ki * P.kw + kj) * L + (rs / P.sh) * P.ow + qs / P.sw)];
    }
  }
  out[i] = s;
}
