// Fused attention backward in two barrier-free passes (FlashAttention-2's split: one owner per
// written row, so no atomics), P recomputed from the scores and saved row statistics.
//   pass 1 ({{PASS}} = 1), one invocation per query row i: m, l (online, over the visible keys);
//     D_i = Σ_j P_ij dP_ij with P_ij = e^{s_ij - m}/l, dP_ij = <dO_i, v_j>; then dS_ij = P_ij (dP_ij − D_i),
//     dq_i = scale Σ_j dS_ij k_j, and dS into `ds`: the whole row (P.ds_rows = 0) or 0·Σ_j dS_ij
//     (P.ds_rows = 1, a bias constant along the keys: exactly 0, NaN in a NaN row). stats_i = (m's two parts, 1/l, D_i).
//   pass 2 ({{PASS}} = 2), one invocation per key row j of kv head (b, kvh): over the G query heads of
//     the group and the queries that see key j, dk_j = scale Σ_i dS_ij q_i, dv_j = Σ_i P_ij dO_i.
// Excluded pairs (mask, padding, causality) contribute nothing; rows with every score -inf give 0.

{{ATTN_PARAMS}}
@group(0) @binding(6) var<storage, read> dout: array<f32>;
{{BINDINGS}}

{{MATH}}

{{ATTN_COMMON}}

fn dot_dout_v(row: u32, kvrow: u32) -> f32 {
  var acc = 0.0;
  for (var c = 0u; c < P.Dv; c++) {
    acc += dout[row * P.Dv + c] * v[kvrow * P.Dv + c];
  }
  return acc;
}

// (P_ij, gap) from the row statistics; a -inf score gives 0, unless the row's sum is NaN (an +inf or
// NaN score), where every kept P_ij is NaN as in the float64 oracle.
fn prob(x: vec2<f32>, m: vec2<f32>, inv_l: f32) -> vec2<f32> {
  let d = gap(x, m);
  if (x.x == P.neg_inf && fin(inv_l)) {
    return vec2<f32>(0.0, d);
  }
  return vec2<f32>(pexp(d) * inv_l, d);
}

fn save_stats(row: u32, m: vec2<f32>, inv_l: f32, d: f32) {
  stats[4u * row] = m.x;
  stats[4u * row + 1u] = m.y;
  stats[4u * row + 2u] = inv_l;
  stats[4u * row + 3u] = d;
}

fn pass1(row: u32) {
  let r = attn_row(row);
  for (var c = 0u; c < P.D; c++) {
    dq[r.q0 + c] = 0.0;
  }
  if (P.ds_rows == 0u) {
    for (var j = 0u; j < P.Tk; j++) {
      ds[row * P.Tk + j] = 0.0;
    }
  }
  var m = vec2<f32>(P.neg_inf, 0.0);
  var l = 0.0;
  for (var j = 0u; j < r.end; j++) {
    let x = score(r, j);
    let mn = pmax(m, x);
    if (is_dead(mn)) {
      continue;
    }
    l = l * select(pexp(gap(m, mn)), 0.0, is_dead(m)) + select(pexp(gap(x, mn)), 0.0, x.x == P.neg_inf);
    m = mn;
  }
  if (is_dead(m)) {
    save_stats(row, m, 0.0, 0.0);
    if (P.ds_rows == 1u) {
      ds[row] = 0.0;
    }
    return;
  }
  let inv_l = 1.0 / l;
  var d = 0.0;
  for (var j = 0u; j < r.end; j++) {
    if (kept(r, j)) {
      let pg = prob(score(r, j), m, inv_l);
      d += mulp(pg.x, pg.y, dot_dout_v(row, r.kv + j));
    }
  }
  var total = 0.0;
  for (var j = 0u; j < r.end; j++) {
    if (!kept(r, j)) {
      continue;
    }
    let pg = prob(score(r, j), m, inv_l);
    let dsv = mulp(pg.x, pg.y, dot_dout_v(row, r.kv + j) - d);
    total += dsv;
    if (P.ds_rows == 0u) {
      ds[row * P.Tk + j] = dsv;
    }
    let w = P.scale * dsv;
    for (var c = 0u; c < P.D; c++) {
      dq[r.q0 + c] += w * k[(r.kv + j) * P.D + c];
    }
  }
  if (P.ds_rows == 1u) {
    // 0·total, spelled out: SwiftShader's JIT folds 0·x to 0, which would drop the NaN.
    ds[row] = select(0.0, bitcast<f32>(0x7fc00000u | P._p0), !fin(total));
  }
  save_stats(row, m, inv_l, d);
}

fn pass2(kvrow: u32) {
  // kvrow = (b·Hkv + kvh)·Tk + j
  let j = kvrow % P.Tk;
  let bk = kvrow / P.Tk;
  let Hkv = P.H / P.G;
  let b = bk / Hkv;
  let kvh = bk % Hkv;
  for (var c = 0u; c < P.D; c++) {
    dk[kvrow * P.D + c] = 0.0;
  }
  for (var c = 0u; c < P.Dv; c++) {
    dv[kvrow * P.Dv + c] = 0.0;
  }
  // Causal: query i sees key j iff j <= i + Tk - Tq.
  var i0 = 0u;
  if (P.causal != 0u) {
    i0 = u32(max(i32(j) + i32(P.Tq) - i32(P.Tk), 0));
  }
  for (var g = 0u; g < P.G; g++) {
    let h = kvh * P.G + g;
    for (var i = i0; i < P.Tq; i++) {
      let row = (b * P.H + h) * P.Tq + i;
      let m = vec2<f32>(stats[4u * row], stats[4u * row + 1u]);
      if (is_dead(m)) {
        continue;
      }
      let r = attn_row(row);
      if (!kept(r, j)) {
        continue;
      }
      let pg = prob(score(r, j), m, stats[4u * row + 2u]);
      let dsv = mulp(pg.x, pg.y, dot_dout_v(row, kvrow) - stats[4u * row + 3u]);
      let w = P.scale * dsv;
      for (var c = 0u; c < P.D; c++) {
        dk[kvrow * P.D + c] += w * q[r.q0 + c];
      }
      for (var c = 0u; c < P.Dv; c++) {
        dv[kvrow * P.Dv + c] += mulp(pg.x, pg.y, dout[row * P.Dv + c]);
      }
    }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.rows) {
    return;
  }
  if ({{PASS}} == 1u) {
    pass1(id);
  } else {
    pass2(id);
  }
}
