// zoo: tile_m=32 tile_n=32 b4=1
// Register-blocked matmul without workgroup memory (the default; fastest on SwiftShader, where
// barriers turn every subgroup into a coroutine, kernels.md §3.1): an 8×8 workgroup, each
// invocation accumulates a 4×4 block of C in registers, reading A and B straight from storage.
// Rows/columns past M/N are clamped for loads and skipped for stores.

{{MATMUL_COMMON}}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let z = wid.z + P.batch_offset;
  let ao = a_offset(z);
  let bo = b_offset(z);
  let row0 = wid.y * 32u + lid.y * 4u;
  let col0 = wid.x * 32u + lid.x * 4u;
  let rows = min(vec4<u32>(row0, row0 + 1u, row0 + 2u, row0 + 3u), vec4<u32>(P.M - 1u)) * P.a_rs + ao;
  // The last full group of 4 columns for threads past N (their stores are skipped).
  let colv = min(col0, max(P.N, 4u) - 4u);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < P.K; k++) {
    let ak = k * P.a_ks;
    let a = vec4<f32>(A[rows.x + ak], A[rows.y + ak], A[rows.z + ak], A[rows.w + ak]);
    let b = b4(bo, k, colv);
    acc0 = fma(vec4<f32>(a.x), b, acc0);
    acc1 = fma(vec4<f32>(a.y), b, acc1);
    acc2 = fma(vec4<f32>(a.z), b, acc2);
    acc3 = fma(vec4<f32>(a.w), b, acc3);
  }
  let c0 = z * P.M * P.N;
  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var ii = 0u; ii < 4u; ii++) {
    let i = row0 + ii;
    if (i >= P.M) {
      break;
    }
    for (var jj = 0u; jj < 4u; jj++) {
      let j = col0 + jj;
      if (j < P.N) {
        store_c(c0 + i * P.N + j, j, acc[ii][jj + col0 - colv]);
      }
    }
  }
}
