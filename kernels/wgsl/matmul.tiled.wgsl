// zoo: tile_m=32 tile_n=32
// Workgroup-memory tiled matmul (tfjs MatMulPackedProgram, kernels.md §3.1): an 8×8 workgroup
// computes a 32×32 tile of C, each invocation a 4×4 block; 32×32 tiles of A and B are staged in
// workgroup memory (8 KiB) with two barriers per K step. The fast variant on real GPUs; on
// SwiftShader the barriers make it several times slower than matmul.wgsl.

{{MATMUL_COMMON}}

const TILE: u32 = 32u;
var<workgroup> As: array<array<f32, 32>, 32>;
var<workgroup> Bs: array<array<f32, 32>, 32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let z = wid.z + P.batch_offset;
  let ao = a_offset(z);
  let bo = b_offset(z);
  let tileRow = wid.y * TILE;
  let tileCol = wid.x * TILE;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < P.K; k0 += TILE) {
    // 64 invocations load 32×32 elements of each tile: 16 each, zero outside the matrices.
    for (var e = li; e < TILE * TILE; e += 64u) {
      let r = e / TILE;
      let c = e % TILE;
      let ai = tileRow + r;
      let ak = k0 + c;
      As[r][c] = select(0.0, A[ao + min(ai, P.M - 1u) * P.a_rs + min(ak, P.K - 1u) * P.a_ks], ai < P.M && ak < P.K);
      let bk = k0 + r;
      let bj = tileCol + c;
      Bs[r][c] = select(0.0, B[bo + min(bk, P.K - 1u) * P.b_ks + min(bj, P.N - 1u) * P.b_cs], bk < P.K && bj < P.N);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) {
      let b = vec4<f32>(Bs[k][lid.x * 4u], Bs[k][lid.x * 4u + 1u], Bs[k][lid.x * 4u + 2u], Bs[k][lid.x * 4u + 3u]);
      for (var ii = 0u; ii < 4u; ii++) {
        acc[ii] = fma(vec4<f32>(As[lid.y * 4u + ii][k]), b, acc[ii]);
      }
    }
    workgroupBarrier();
  }
  let c0 = z * P.M * P.N;
  for (var ii = 0u; ii < 4u; ii++) {
    let i = tileRow + lid.y * 4u + ii;
    for (var jj = 0u; jj < 4u; jj++) {
      let j = tileCol + lid.x * 4u + jj;
      if (i < P.M && j < P.N) {
        store_c(c0 + i * P.N + j, j, acc[ii][jj]);
      }
    }
  }
}
