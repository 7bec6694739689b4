// Fused attention forward, one invocation per query row (b, h, i), no workgroup memory and no
// barriers (SwiftShader runs barrier-free kernels fastest, kernels.md §1.4). Keys stream through in
// chunks of 16 with an online softmax: the chunk's scores sit in a private array, the running max m
// and sum l rescale the output row (accumulated in place in `out`, which this invocation owns):
//   s_j = scale·<q_i, k_j> + bias_ij if kept (mask ∧ ¬pad ∧ causal), else -inf (kept as its two parts)
//   m' = max(m, max_j s_j),  α = e^{m - m'},  l = α·l + Σ_j e^{s_j - m'},  o = α·o + Σ_j e^{s_j - m'} v_j
//   out_i = o / l, or 0 when every score of the row is -inf (torch's _safe_softmax); NaN propagates.
// Query head h reads kv head h / G. bias and mask are indexed through broadcast strides over
// (B, H, Tq, Tk) (P.st[0], P.st[1]), pad through (P.pad_b, P.pad_k) over (B, Tk).

{{ATTN_PARAMS}}
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

{{MATH}}

{{ATTN_COMMON}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = flat_id(wid, nwg, lid, 64u);
  if (row >= P.rows) {
    return;
  }
  let r = attn_row(row);
  let o0 = row * P.Dv;
  for (var c = 0u; c < P.Dv; c++) {
    out[o0 + c] = 0.0;
  }
  var s: array<vec2<f32>, 16>;
  var kp: array<bool, 16>;
  var m = vec2<f32>(P.neg_inf, 0.0);
  var l = 0.0;
  for (var j0 = 0u; j0 < r.end; j0 += 16u) {
    let n = min(16u, r.end - j0);
    var mt = vec2<f32>(P.neg_inf, 0.0);
    for (var jj = 0u; jj < n; jj++) {
      let x = score(r, j0 + jj);
      s[jj] = x;
      kp[jj] = kept(r, j0 + jj);
      mt = pmax(mt, x);
    }
    let mn = pmax(m, mt);
    if (is_dead(mn)) {
      continue;
    }
    let da = gap(m, mn);
    let alpha = select(pexp(da), 0.0, is_dead(m));
    var add = 0.0;
    var pc: array<vec2<f32>, 16>;
    for (var jj = 0u; jj < n; jj++) {
      let d = gap(s[jj], mn);
      let p = select(pexp(d), 0.0, s[jj].x == P.neg_inf);
      pc[jj] = vec2<f32>(p, d);
      add += p;
    }
    l = l * alpha + add;
    m = mn;
    for (var c = 0u; c < P.Dv; c++) {
      // An infinite partial sum stays infinite when a larger max shrinks it (α underflows only in float32).
      var acc = select(mulp(alpha, da, out[o0 + c]), 0.0, is_dead(m));
      for (var jj = 0u; jj < n; jj++) {
        // An excluded pair adds nothing (not 0·v, which is NaN for an infinite v).
        acc += select(0.0, mulp(pc[jj].x, pc[jj].y, v[(r.kv + j0 + jj) * P.Dv + c]), kp[jj]);
      }
      out[o0 + c] = acc;
    }
  }
  if (!is_dead(m)) {
    let inv = 1.0 / l;
    for (var c = 0u; c < P.Dv; c++) {
      out[o0 + c] = out[o0 + c] * inv;
    }
  }
}
