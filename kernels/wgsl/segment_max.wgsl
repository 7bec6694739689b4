// segment_max over the CSR layout of the ids (segment_csr.wgsl): one invocation per output element
// q = (s, j) of out (N, inner):
//   out[s, j] = max_{e: ids[e] = s} data[e, j]   (a NaN wins; empty segments 0)
// in increasing edge order, with the ref kernel's rule: a later value replaces the max when it is
// larger or NaN. {{T}} is f32 or i32 (for i32, v == v always holds).

{{SEGMENT_COMMON}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let q = flat_id(wid, nwg, lid, 64u);
  if (q >= P.n) {
    return;
  }
  let sg = segment_of(q);
  let j = sg.j;
  let lo = sg.lo;
  let hi = sg.hi;
  if (lo == hi) {
    out[q] = {{T}}(0);
    return;
  }
  var best = edge_value(lo, j);
  for (var k = lo + 1u; k < hi; k++) {
    let v = edge_value(k, j);
    if (v > best || !(v == v)) {
      best = v;
    }
  }
  out[q] = best;
}
