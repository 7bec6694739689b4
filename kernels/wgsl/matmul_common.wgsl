// The interface every matmul variant (matmul.wgsl, matmul.<variant>.wgsl) starts with, spliced
// in at {{MATMUL_COMMON}}. C[z] = op(A)[z] · op(B)[z] for the batch index z (batch dims broadcast):
//   op(A)[i, k] = A[a_offset(z) + i · a_rs + k · a_ks]   (transA only swaps the strides)
//   op(B)[k, j] = B[b_offset(z) + k · b_ks + j · b_cs]
//   C[z · M · N + i · N + j], row-major.
// b4(bo, k, j0) returns op(B)[k, j0 .. j0+3] (j0 + 3 < N); it reads one vec4 when B is row-major
// with N % 4 == 0 (the runtime binds B as array<vec4<f32>> then), four scalars otherwise.
// The launch grid is (ceil(N / tile_n), ceil(M / tile_m), batch) workgroups, with tile_m/tile_n
// from the variant's `// zoo:` header line; batch_offset is added to workgroup_id.z (batches past
// 65,535 are split over several dispatches).
// Every store of C goes through store_c(idx, j, v) (idx = the element of C, j its column): plain
// matmul stores v; linear specializes it into its epilogue act(v + bias[j]) + residual[idx], whose
// inputs are declared where EPILOGUE_DECL is spliced in (bindings 2, 3; C and P follow them). A
// variant that writes C directly still runs matmul, but not linear.

@group(0) @binding(0) var<storage, read> A: array<f32>;
{{B_DECL}}
{{EPILOGUE_DECL}}
@group(0) @binding({{C_BINDING}}) var<storage, read_write> C: array<f32>;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  batch_offset: u32,
  a_rs: u32,
  a_ks: u32,
  b_ks: u32,
  b_cs: u32,
  batch_rank: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  batch_shape: array<vec4<i32>, 2>,
  a_batch: array<vec4<i32>, 2>,
  b_batch: array<vec4<i32>, 2>,
}
@group(0) @binding({{P_BINDING}}) var<uniform> P: Params;

fn mm_at(a: array<vec4<i32>, 2>, d: u32) -> u32 {
  return u32(a[d >> 2u][d & 3u]);
}

// Element offsets of the matrices of batch index z in A and B (broadcast strides are 0).
fn a_offset(z: u32) -> u32 {
  var rem = z;
  var off = 0u;
  for (var d = P.batch_rank; d > 0u; d--) {
    let size = mm_at(P.batch_shape, d - 1u);
    off += (rem % size) * mm_at(P.a_batch, d - 1u);
    rem = rem / size;
  }
  return off;
}

fn b_offset(z: u32) -> u32 {
  var rem = z;
  var off = 0u;
  for (var d = P.batch_rank; d > 0u; d--) {
    let size = mm_at(P.batch_shape, d - 1u);
    off += (rem % size) * mm_at(P.b_batch, d - 1u);
    rem = rem / size;
  }
  return off;
}

{{B_LOAD}}

{{EPILOGUE}}
