// segment_sum and segment_mean over the CSR layout of the ids (segment_csr.wgsl): one invocation
// per output element q = (s, j) of out (N, inner), summing data[e, j] over the edges e of segment
// s in increasing edge order (as the ref kernel does):
//   out[s, j] = Σ_{e: ids[e] = s} data[e, j]   (÷ max(1, #edges) for the mean; empty segments 0)
// Float sums are compensated (nsum); {{INT}} for int32 data (wrapping adds, as ToInt32 of ref's sum).

{{SEGMENT_COMMON}}

const MEAN: bool = {{MEAN}};

{{MATH}}

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
  var total = {{T}}(0);
  var acc = vec2<f32>(0.0, 0.0);
  for (var k = lo; k < hi; k++) {
    let v = edge_value(k, j);
    if ({{INT}}) {
      total += v;
    } else {
      acc = nsum(acc, f32(v));
    }
  }
  if ({{INT}}) {
    out[q] = total;
  } else if (MEAN) {
    out[q] = {{T}}((acc.x + acc.y) / f32(max(hi - lo, 1u)));
  } else {
    out[q] = {{T}}(acc.x + acc.y);
  }
}
