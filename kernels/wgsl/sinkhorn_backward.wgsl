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

// A matrix is walked as n lines of n elements: element b of line a sits at a·la + b·lb past its
// start (columns: la = 1, lb = n; rows: la = n, lb = 1).

/** One normalization round over the lines of m at mb: each line divided by its sum, kept in sums[so + a]. */
fn normalize_lines(mb: u32, la: u32, lb: u32, so: u32) {
  for (var a = 0u; a < P.n; a++) {
    var acc = vec2<f32>(0.0);
    for (var b = 0u; b < P.n; b++) {
      acc = nsum(acc, m[mb + a * la + b * lb]);
    }
    let s = acc.x + acc.y;
    sums[so + a] = s;
    for (var b = 0u; b < P.n; b++) {
      let k = mb + a * la + b * lb;
      m[k] = m[k] / s;
    }
  }
}

/** The reverse of that round for G at out[base] (m holds its result): G = (G − Σ_b G ⊙ m) / s, m = m · s. */
fn unnormalize_lines(base: u32, mb: u32, la: u32, lb: u32, so: u32) {
  for (var a = 0u; a < P.n; a++) {
    var acc = vec2<f32>(0.0);
    for (var b = 0u; b < P.n; b++) {
      let k = a * la + b * lb;
      acc = nsum(acc, out[base + k] * m[mb + k]);
    }
    let u = acc.x + acc.y;
    let s = sums[so + a];
    for (var b = 0u; b < P.n; b++) {
      let k = a * la + b * lb;
      out[base + k] = (out[base + k] - u) / s;
      m[mb + k] = m[mb + k] * s;
    }
  }
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
    normalize_lines(mb, 1u, n, sb + 2u * t * n); // columns
    normalize_lines(mb, n, 1u, sb + 2u * t * n + n); // rows
  }
  for (var k = 0u; k < n * n; k++) {
    out[base + k] = dy[base + k];
  }
  for (var tt = P.iters; tt > 0u; tt--) {
    let cs = sb + 2u * (tt - 1u) * n;
    unnormalize_lines(base, mb, n, 1u, cs + n); // rows (normalized last)
    unnormalize_lines(base, mb, 1u, n, cs); // then columns
  }
  for (var j = 0u; j < n; j++) {
    let mx = col_max(base, j);
    for (var i = 0u; i < n; i++) {
      let k = base + i * n + j;
      out[k] = out[k] * zexp(x[k] - mx);
    }
  }
}
