// zoo: tile_m=16 tile_n=16 requires=subgroups
// Subgroup matmul: a 64-invocation workgroup computes a 16×16 tile of C as sixteen 4×4 blocks;
// each subgroup takes blocks in turn, its lanes split K (lane l takes k ≡ l mod subgroup size)
// and subgroupAdd combines the 16 partial sums. No workgroup memory, no barriers; any subgroup
// size dividing 64 works (SwiftShader's is 4, NVIDIA's 32).
// NOTE: assumes subgroups are consecutive ranges of local_invocation_index (true for 1-D
// workgroups on the Vulkan drivers we know); the parity suite would catch a violation.

enable subgroups;
diagnostic(off, subgroup_uniformity);

{{MATMUL_COMMON}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) sg: u32) {
  let z = wid.z + P.batch_offset;
  let ao = a_offset(z);
  let bo = b_offset(z);
  let groups = 64u / sg;
  let c0 = z * P.M * P.N;
  for (var blk = li / sg; blk < 16u; blk += groups) {
    let row0 = wid.y * 16u + (blk / 4u) * 4u;
    let col0 = wid.x * 16u + (blk % 4u) * 4u;
    let rows = min(vec4<u32>(row0, row0 + 1u, row0 + 2u, row0 + 3u), vec4<u32>(P.M - 1u)) * P.a_rs + ao;
    let cols = min(vec4<u32>(col0, col0 + 1u, col0 + 2u, col0 + 3u), vec4<u32>(P.N - 1u)) * P.b_cs + bo;
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    for (var k = lane; k < P.K; k += sg) {
      let ak = k * P.a_ks;
      let bk = k * P.b_ks;
      let a = vec4<f32>(A[rows.x + ak], A[rows.y + ak], A[rows.z + ak], A[rows.w + ak]);
      let b = vec4<f32>(B[cols.x + bk], B[cols.y + bk], B[cols.z + bk], B[cols.w + bk]);
      acc0 = fma(vec4<f32>(a.x), b, acc0);
      acc1 = fma(vec4<f32>(a.y), b, acc1);
      acc2 = fma(vec4<f32>(a.z), b, acc2);
      acc3 = fma(vec4<f32>(a.w), b, acc3);
    }
    let acc = array<vec4<f32>, 4>(subgroupAdd(acc0), subgroupAdd(acc1), subgroupAdd(acc2), subgroupAdd(acc3));
    if (lane == 0u) {
      for (var ii = 0u; ii < 4u; ii++) {
        let i = row0 + ii;
        for (var jj = 0u; jj < 4u; jj++) {
          let j = col0 + jj;
          if (i < P.M && j < P.N) {
            store_c(c0 + i * P.N + j, j, acc[ii][jj]);
          }
        }
      }
    }
  }
}
