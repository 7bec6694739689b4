// tril / triu: keep x[..., r, c] where c - r <= k (tril) or c - r >= k (triu), else 0.
// {{KEEP}} is the condition on the diagonal offset `d = c - r`. Bit copy (any dtype; 0 bits = 0).

@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
  k: i32,
}
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let c = i32(i % P.cols);
  let r = i32((i / P.cols) % P.rows);
  let d = c - r;
  out[i] = select(0u, x[i], {{KEEP}});
}
