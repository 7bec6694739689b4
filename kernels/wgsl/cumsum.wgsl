// Running sum along the middle axis of x viewed as (outer, R, inner): one invocation per row
// (o, i) scans r = 0 .. R-1 (R-1 .. 0 when reversed), Kahan-compensated.
// {{XT}} element type of x, {{OT}}/{{CT}} output and compute type (ints and bools sum to int32).

@group(0) @binding(0) var<storage, read> x: array<{{XT}}>;
@group(0) @binding(1) var<storage, read_write> out: array<{{OT}}>;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  reverse: u32,
}
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.rows) {
    return;
  }
  let base = (id / P.inner) * P.len * P.inner + id % P.inner;
  var s = {{CT}}(0);
  var c = {{CT}}(0);
  for (var k = 0u; k < P.len; k++) {
    let r = select(k, P.len - 1u - k, P.reverse == 1u);
    let at = base + r * P.inner;
    let y = {{CT}}(x[at]) - c;
    let t = s + y;
    c = (t - s) - y;
    s = t;
    out[at] = {{OT}}(s);
  }
}
