// Rotary position embedding, one invocation per element of x viewed as (rows, D), row r being token
// t = r mod T. Pair i of the first d dims has members (a, b) = (2i, 2i+1) when interleaved, (i, i + d/2)
// otherwise; cos and sin of its angle come in (T, d/2) tables computed on the host in float64 (the
// direction folded into sin), since an f32 angle (offset + t)·θ_i loses its accuracy as t grows.
//   out_a = a cos φ − b sin φ,   out_b = a sin φ + b cos φ;   dims d..D are copied.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> tab: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

struct Params {
  n: u32,
  T: u32,
  D: u32,
  d: u32,
  interleaved: u32,
  // Offset of the sin table in `tab` (cos first).
  sin_at: u32,
}
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let e = flat_id(wid, nwg, lid, 64u);
  if (e >= P.n) {
    return;
  }
  let r = e / P.D;
  let c = e % P.D;
  if (c >= P.d) {
    out[e] = x[e];
    return;
  }
  let half = P.d / 2u;
  var i: u32;
  var first: bool;
  var partner: u32;
  if (P.interleaved != 0u) {
    i = c / 2u;
    first = c % 2u == 0u;
    partner = select(c - 1u, c + 1u, first);
  } else {
    i = c % half;
    first = c < half;
    partner = select(c - half, c + half, first);
  }
  let at = (r % P.T) * half + i;
  let cs = tab[at];
  let sn = tab[P.sin_at + at];
  let self_v = x[e];
  let other = x[r * P.D + partner];
  // first: out_a = a cos − b sin (a = self); second: out_b = a sin + b cos (b = self).
  out[e] = select(other * sn + self_v * cs, self_v * cs - other * sn, first);
}
