// hc_post_res: out[t, i, c] = hpost[t, i] · y[t, c] + Σ_j hres[t, i, j] · x[t, j, c], one invocation
// per output element (t, i, c).

@group(0) @binding(0) var<storage, read> hres: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> hpost: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

struct Params {
  total: u32,
  n: u32,
  C: u32,
  pad: u32,
}
@group(0) @binding(5) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.total) {
    return;
  }
  let c = id % P.C;
  let ti = id / P.C;
  let t = ti / P.n;
  var acc = hpost[ti] * y[t * P.C + c];
  for (var j = 0u; j < P.n; j++) {
    acc = fma(hres[ti * P.n + j], x[(t * P.n + j) * P.C + c], acc);
  }
  out[id] = acc;
}
