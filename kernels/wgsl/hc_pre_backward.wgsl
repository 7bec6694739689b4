// hc_pre backward, one workgroup per token t:
//   dh[t, j] = Σ_c dOut[t, c] · x[t, j, c]      dx[t, j, c] = h[t, j] · dOut[t, c]
// Streams go four at a time: each invocation strides over c (writing dx as it goes) and keeps
// four partial dot products; a tree in workgroup memory sums them.

@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dh: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

struct Params {
  tokens: u32,
  n: u32,
  C: u32,
  pad: u32,
}
@group(0) @binding(5) var<uniform> P: Params;

{{WG_SUM}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x + wid.y * nwg.x;
  if (t >= P.tokens) {
    return;
  }
  for (var j0 = 0u; j0 < P.n; j0 += 4u) {
    var s = vec4<f32>(0.0);
    for (var c = lid; c < P.C; c += WG) {
      let d = dy[t * P.C + c];
      for (var k = 0u; k < 4u; k++) {
        let j = j0 + k;
        if (j < P.n) {
          let at = (t * P.n + j) * P.C + c;
          s[k] = fma(x[at], d, s[k]);
          dx[at] = h[t * P.n + j] * d;
        }
      }
    }
    let r = reduce4(s, lid);
    if (lid < 4u && j0 + lid < P.n) {
      dh[t * P.n + j0 + lid] = r[lid];
    }
  }
}
