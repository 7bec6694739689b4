// The fused reverse pass of sinkhorn, one invocation per (n, n) matrix of the chunk starting at
// matrix `first`: recompute the rounds in `m` (n² per matrix) keeping their sums in `sums`
// (2·iters·n per matrix: round t's column sums at 2tn, its row sums at 2tn + n), then walk them
// backwards from M = Mᵗᵐᵃˣ with G = dOut in `out`.
// Round t was Q = P / c (columns) and R = Q / r (rows):
//   s_i = Σ_j G_ij R_ij,  G_ij = (G_ij − s_i) / r_i,  Q_ij = R_ij · r_i
//   u_j = Σ_i G_ij Q_ij,  G_ij = (G_ij − u_j) / c_j,  P_ij = Q_ij · c_j
// and finally dL = G ⊙ M⁰, M⁰ = exp(L − colmax) recomputed. Global memory, so any n works.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;

struct Params {
  count: u32,
  n: u32,
  iters: u32,
  // -inf (WGSL has no infinity literal).
  neg_inf: f32,
  first: u32,
}
@group(0) @binding(5) var<uniform> P: Params;

{{MATH}}

/** The max of column j of matrix `base` (NaN if the column has one). */
fn col_max(base: u32, j: u32) -> f32 {
  var mx = P.neg_inf;
  for (var i = 0u; i < P.n; i++) {
    let v = x[base + i * P.n + j];
    mx = select(max(mx, v), v, is_nan(v) || is_nan(mx));
  }
  return mx;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let local = flat_id(wid, nwg, lid, 64u);
  if (local >= P.count) {
    return;
  }
  let n = P.n;
  // x, dy and out are indexed by the matrix, the scratch m and sums by its place in the chunk.
  let base = (P.first + local) * n * n;
  let mb = local * n * n;
  let sb = local * 2u * P.iters * n;
  for (var j = 0u; j < n; j++) {
    let mx = col_max(base, j);
    for (var i = 0u; i < n; i++) {
      m[mb + i * n + j] = zexp(x[base + i * n + j] - mx);
    }
  }
  for (var t = 0u; t < P.iters; t++) {
    for (var j = 0u; j < n; j++) {
      var acc = vec2<f32>(0.0);
      for (var i = 0u; i < n; i++) {
        acc = nsum(acc, m[mb + i * n + j]);
      }
      let c = acc.x + acc.y;
      sums[sb + 2u * t * n + j] = c;
      for (var i = 0u; i < n; i++) {
        m[mb + i * n + j] = m[mb + i * n + j] / c;
      }
    }
    for (var i = 0u; i < n; i++) {
      var acc = vec2<f32>(0.0);
      for (var j = 0u; j < n; j++) {
        acc = nsum(acc, m[mb + i * n + j]);
      }
      let r = acc.x + acc.y;
      sums[sb + 2u * t * n + n + i] = r;
      for (var j = 0u; j < n; j++) {
        m[mb + i * n + j] = m[mb + i * n + j] / r;
      }
    }
  }
  for (var k = 0u; k < n * n; k++) {
    out[base + k] = dy[base + k];
  }
  for (var tt = P.iters; tt > 0u; tt--) {
    let cs = sb + 2u * (tt - 1u) * n;
    let rs = cs + n;
    for (var i = 0u; i < n; i++) {
      var acc = vec2<f32>(0.0);
      for (var j = 0u; j < n; j++) {
        acc = nsum(acc, out[base + i * n + j] * m[mb + i * n + j]);
      }
      let s = acc.x + acc.y;
      let r = sums[rs + i];
      for (var j = 0u; j < n; j++) {
        let k = i * n + j;
        out[base + k] = (out[base + k] - s) / r;
        m[mb + k] = m[mb + k] * r;
      }
    }
    for (var j = 0u; j < n; j++) {
      var acc = vec2<f32>(0.0);
      for (var i = 0u; i < n; i++) {
        acc = nsum(acc, out[base + i * n + j] * m[mb + i * n + j]);
      }
      let u = acc.x + acc.y;
      let c = sums[cs + j];
      for (var i = 0u; i < n; i++) {
        let k = i * n + j;
        out[base + k] = (out[base + k] - u) / c;
        m[mb + k] = m[mb + k] * c;
      }
    }
  }
  for (var j = 0u; j < n; j++) {
    let mx = col_max(base, j);
    for (var i = 0u; i < n; i++) {
      let k = base + i * n + j;
      out[k] = out[k] * zexp(x[k] - mx);
    }
  }
}
