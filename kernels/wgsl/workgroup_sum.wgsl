// A sum over a 64-invocation workgroup (spliced in at {{WG_SUM}}): a tree in workgroup memory.

const WG: u32 = 64u;
var<workgroup> red: array<vec4<f32>, 64>;

// The sum of v over the workgroup; every invocation must call it, and every one gets the sum.
fn reduce4(v: vec4<f32>, lid: u32) -> vec4<f32> {
  red[lid] = v;
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    workgroupBarrier();
    if (lid < s) {
      red[lid] = red[lid] + red[lid + s];
    }
  }
  workgroupBarrier();
  let r = red[0];
  workgroupBarrier();
  return r;
}
