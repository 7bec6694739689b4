// hc_post_res backward, one workgroup per token t (dOut, x: n rows of C; hres: n × n):
//   dx[j, c] = Σ_i hres[i, j] · dOut[i, c]      dy[c] = Σ_i hpost[i] · dOut[i, c]
//   dhres[i, j] = Σ_c dOut[i, c] · x[j, c]      dhpost[i] = Σ_c dOut[i, c] · y[c]
// dx and dy: each invocation strides over c. The n² + n dot products (q = i·n + j for dhres, then
// q = n² + i for dhpost) go four at a time: partial sums per invocation, a tree in workgroup memory.

@group(0) @binding(0) var<storage, read> hres: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> hpost: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read> dout: array<f32>;
@group(0) @binding(5) var<storage, read_write> dhres: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> dhpost: array<f32>;
@group(0) @binding(8) var<storage, read_write> dy: array<f32>;

struct Params {
  tokens: u32,
  n: u32,
  C: u32,
  pad: u32,
}
@group(0) @binding(9) var<uniform> P: Params;

{{WG_SUM}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = wid.x + wid.y * nwg.x;
  if (t >= P.tokens) {
    return;
  }
  let n = P.n;
  let C = P.C;
  let rows = t * n * C;
  for (var c = lid; c < C; c += WG) {
    var sy = 0.0;
    for (var i = 0u; i < n; i++) {
      sy = fma(hpost[t * n + i], dout[rows + i * C + c], sy);
    }
    dy[t * C + c] = sy;
    for (var j = 0u; j < n; j++) {
      var s = 0.0;
      for (var i = 0u; i < n; i++) {
        s = fma(hres[(t * n + i) * n + j], dout[rows + i * C + c], s);
      }
      dx[rows + j * C + c] = s;
    }
  }
  let count = n * n + n;
  for (var q0 = 0u; q0 < count; q0 += 4u) {
    var s = vec4<f32>(0.0);
    for (var c = lid; c < C; c += WG) {
      for (var k = 0u; k < 4u; k++) {
        let q = q0 + k;
        if (q < count) {
          let post = q >= n * n;
          let i = select(q / n, q - n * n, post);
          let other = select(x[rows + (q % n) * C + c], y[t * C + c], post);
          s[k] = fma(dout[rows + i * C + c], other, s[k]);
        }
      }
    }
    let r = reduce4(s, lid);
    if (lid < 4u && q0 + lid < count) {
      let q = q0 + lid;
      if (q < n * n) {
        dhres[t * n * n + q] = r[lid];
      } else {
        dhpost[t * n + q - n * n] = r[lid];
      }
    }
  }
}
