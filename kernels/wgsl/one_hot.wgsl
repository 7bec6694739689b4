// one_hot: out[i · C + c] = (index[i] == c), stored as {{OT}} (an index outside [0, C) gives a
// row of zeros; the ref kernel raises a ValueError).

@group(0) @binding(0) var<storage, read> index: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<{{OT}}>;

struct Params {
  n: u32,
  classes: u32,
  pad0: u32,
  pad1: u32,
}
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let c = i32(i % P.classes);
  out[i] = select({{OT}}(0), {{OT}}(1), index[i / P.classes] == c);
}
