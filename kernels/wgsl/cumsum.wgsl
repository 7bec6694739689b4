// Running sum along the middle axis of x viewed as (outer, R, inner): one invocation per row
// (o, i) scans r = 0 .. R-1 (R-1 .. 0 when reversed). Floats are compensated (nsum), ints and
// bools sum in int32. {{XT}} element type of x, {{OT}} of out, {{INT}} true for int32 output.

@group(0) @binding(0) var<storage, read> x: array<{{XT}}>;
@group(0) @binding(1) var<storage, read_write> out: array<{{OT}}>;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  reverse: u32,
}
@group(0) @binding(2) var<uniform> P: Params;

{{MATH}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.rows) {
    return;
  }
  let base = (id / P.inner) * P.len * P.inner + id % P.inner;
  var acc = vec2<f32>(0.0);
  var s = 0;
  for (var k = 0u; k < P.len; k++) {
    let r = select(k, P.len - 1u - k, P.reverse == 1u);
    let at = base + r * P.inner;
    if ({{INT}}) {
      s = s + i32(x[at]);
      out[at] = {{OT}}(s);
    } else {
      acc = nsum(acc, f32(x[at]));
      out[at] = {{OT}}(acc.x + acc.y);
    }
  }
}
