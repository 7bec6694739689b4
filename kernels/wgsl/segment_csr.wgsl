// The CSR layout of segment ids, shared by the segment kernels (kernels/webgpu/segment.ts): the
// edges of segment s are perm[start[s] .. start[s+1]), in increasing edge order, so every segment
// reduction sums in the same order as the ref kernel and the result is deterministic (no float
// atomics). Five passes over the same bindings, chosen by {{PASS}}:
//   0 clear  count[s] = 0                                  one invocation per segment
//   1 count  count[ids[e]] += 1 (u32 atomics)              one per edge
//   2 scan   start = exclusive prefix sum of count; count = 0 (one workgroup; each of its 256
//            invocations owns a contiguous run of segments)
//   3 fill   perm[start[s] + count[s]++] = e (atomics: order within a segment is arbitrary)
//   4 sort   insertion sort of each segment's run         one per segment
// NOTE: an id outside [0, N) is skipped (index values are device data: the ValueError the ref kernel
// raises cannot be raised here), so that edge belongs to no segment.
// NOTE: the sort is O(degree²) per segment; fine for graphs without huge hubs.

@group(0) @binding(0) var<storage, read> ids: array<i32>;
@group(0) @binding(1) var<storage, read_write> count: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> start: array<u32>;
@group(0) @binding(3) var<storage, read_write> perm: array<u32>;

struct Params {
  edges: u32,
  segments: u32,
}
@group(0) @binding(4) var<uniform> P: Params;

const PASS: u32 = {{PASS}}u;
const WG: u32 = 256u;

var<workgroup> partial: array<u32, 256>;

fn valid(s: i32) -> bool {
  return s >= 0 && u32(s) < P.segments;
}

fn scan(lid: u32) {
  let per = (P.segments + WG - 1u) / WG;
  let lo = min(lid * per, P.segments);
  let hi = min(lo + per, P.segments);
  var total = 0u;
  for (var k = lo; k < hi; k++) {
    total += atomicLoad(&count[k]);
  }
  partial[lid] = total;
  workgroupBarrier();
  // Hillis-Steele inclusive scan of the 256 run totals.
  for (var off = 1u; off < WG; off = off << 1u) {
    var v = 0u;
    if (lid >= off) {
      v = partial[lid - off];
    }
    workgroupBarrier();
    partial[lid] += v;
    workgroupBarrier();
  }
  var run = 0u;
  if (lid > 0u) {
    run = partial[lid - 1u];
  }
  for (var k = lo; k < hi; k++) {
    start[k] = run;
    run += atomicLoad(&count[k]);
    atomicStore(&count[k], 0u);
  }
  if (lid == WG - 1u) {
    start[P.segments] = partial[WG - 1u];
  }
}

fn sort_segment(s: u32) {
  let lo = start[s];
  let hi = start[s + 1u];
  for (var a = lo + 1u; a < hi; a++) {
    let key = perm[a];
    var b = a;
    while (b > lo && perm[b - 1u] > key) {
      perm[b] = perm[b - 1u];
      b--;
    }
    perm[b] = key;
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (PASS == 2u) {
    scan(lid);
    return;
  }
  let i = flat_id(wid, nwg, lid, WG);
  if (PASS == 0u && i < P.segments) {
    atomicStore(&count[i], 0u);
  } else if (PASS == 1u && i < P.edges && valid(ids[i])) {
    atomicAdd(&count[u32(ids[i])], 1u);
  } else if (PASS == 3u && i < P.edges && valid(ids[i])) {
    let s = u32(ids[i]);
    perm[start[s] + atomicAdd(&count[s], 1u)] = i;
  } else if (PASS == 4u && i < P.segments) {
    sort_segment(i);
  }
}
