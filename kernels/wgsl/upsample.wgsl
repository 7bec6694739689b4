// upsample (nearest, bilinear): one invocation per output (plane, i, j),
//   out = Σ_u wh[u] · Σ_v ww[v] · x[plane, ih[u], iw[v]]
// over the per-dim taps the op computes (engine/ops/nn/resample-util.ts, torch's float32 index
// rules), uploaded as tables: taps = [row offsets (oh+1), column offsets (ow+1), indices...] and
// one weight per index; the offsets index the indices, rows first, then columns.

struct Params {
  n: u32,
  planes: u32,
  H: u32,
  W: u32,
  oh: u32,
  ow: u32,
  heads: u32,
  pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> taps: array<i32>;
@group(0) @binding(2) var<storage, read> wts: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, 64u);
  if (k >= P.n) {
    return;
  }
  let j = k % P.ow;
  let i = (k / P.ow) % P.oh;
  let base = (k / (P.ow * P.oh)) * P.H * P.W;
  let u1 = taps[i + 1u];
  let v0 = taps[P.oh + 1u + j];
  let v1 = taps[P.oh + 2u + j];
  var s = 0.0;
  for (var u = taps[i]; u < u1; u++) {
    let xr = base + u32(taps[P.heads + u32(u)]) * P.W;
    var row = 0.0;
    for (var v = v0; v < v1; v++) {
      row += wts[v] * x[xr + u32(taps[P.heads + u32(v)])];
    }
    s += wts[u] * row;
  }
  out[k] = s;
}
