// The shared part of the per-(segment, j) reductions segment_sum/segment_mean and segment_max
// (spliced in at {{SEGMENT_COMMON}}): data of element type {{T}}, the CSR layout of the ids
// (segment_csr.wgsl: segment s owns edges perm[start[s] .. start[s + 1])), out (N, inner).

@group(0) @binding(0) var<storage, read> data: array<{{T}}>;
@group(0) @binding(1) var<storage, read> start: array<u32>;
@group(0) @binding(2) var<storage, read> perm: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<{{T}}>;

struct Params {
  n: u32,
  inner: u32,
}
@group(0) @binding(4) var<uniform> P: Params;

// Output element q = (s, j): its column j and the edge range [lo, hi) of segment s.
struct Seg {
  j: u32,
  lo: u32,
  hi: u32,
}

fn segment_of(q: u32) -> Seg {
  let s = q / P.inner;
  return Seg(q % P.inner, start[s], start[s + 1u]);
}

// data[e, j] for the k-th edge of the CSR order.
fn edge_value(k: u32, j: u32) -> {{T}} {
  return data[perm[k] * P.inner + j];
}
