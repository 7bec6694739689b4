// hc_pre: u[t, c] = Σ_j h[t, j] · x[t, j, c], one invocation per output element (t, c); the n
// stream weights of a token are read by all C invocations of that token (cached).

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

struct Params {
  total: u32,
  n: u32,
  C: u32,
  pad: u32,
}
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.total) {
    return;
  }
  let t = id / P.C;
  let c = id % P.C;
  var acc = 0.0;
  for (var j = 0u; j < P.n; j++) {
    acc = fma(h[t * P.n + j], x[(t * P.n + j) * P.C + c], acc);
  }
  out[id] = acc;
}
