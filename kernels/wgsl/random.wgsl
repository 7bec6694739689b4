// Counter-based random draws: Philox4x32-10, bit-identical to engine/rng.ts (the spec):
//   word i of the stream (seed, offset): q, r = divmod(offset + i, 4),
//   key = [seed mod 2^32, seed / 2^32], ctr = [q mod 2^32, q / 2^32, 0, 0], word = philox(ctr, key)[r]
// One invocation per output element; a normal pair (2k, 2k+1) is computed by both its elements.
// Shared with dropout (kernels/webgpu/random.ts adds the draw and its store).
//
// {{BINDINGS}} declares `out` (and dropout's `x`); {{DRAW}} computes `v` for element i into out.

{{BINDINGS}}

struct Params {
  n: u32,
  // Bernoulli/dropout: u < p exactly as in float64, as an integer test (w >> 8) < ceil(p·2^24).
  threshold: u32,
  seed_lo: u32,
  seed_hi: u32,
  offset_lo: u32,
  offset_hi: u32,
  a: f32,
  b: f32,
  range: u32,
  range_is_2_32: u32,
  low_i: i32,
  pad: u32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

const M0: u32 = 0xd2511f53u;
const M1: u32 = 0xcd9e8d57u;
const W0: u32 = 0x9e3779b9u;
const W1: u32 = 0xbb67ae85u;
const U24: f32 = 5.9604644775390625e-8;

// High 32 bits of a 32x32-bit product through 16-bit halves (WGSL has no 64-bit integers).
fn mulhi(a: u32, b: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    if (round > 0u) {
      k = k + vec2<u32>(W0, W1);
    }
    let hi0 = mulhi(M0, c.x);
    let lo0 = M0 * c.x;
    let hi1 = mulhi(M1, c.z);
    let lo1 = M1 * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
  }
  return c;
}

// Word `i` of the stream: 64-bit offset + i, split into the block counter q and the lane r.
fn word(i: u32) -> u32 {
  let lo = P.offset_lo + i;
  let hi = P.offset_hi + select(0u, 1u, lo < i);
  let q = vec2<u32>((lo >> 2u) | (hi << 30u), hi >> 2u);
  let block = philox(vec4<u32>(q.x, q.y, 0u, 0u), vec2<u32>(P.seed_lo, P.seed_hi));
  return block[lo & 3u];
}

fn uniform01(w: u32) -> f32 {
  return f32(w >> 8u) * U24;
}

// Box-Muller on words 2k, 2k+1: z = sqrt(-2 ln u1) · (cos | sin)(2π u2), u1 in (0, 1].
// sin2pi/cos2pi (math.wgsl) take the angle in turns, so it never rounds as 2π·u would.
fn normal(i: u32) -> f32 {
  let k = i >> 1u;
  let u1 = f32((word(2u * k) >> 8u) + 1u) * U24;
  let u2 = uniform01(word(2u * k + 1u));
  let r = sqrt(-2.0 * zlog(u1));
  return r * select(sin2pi(u2), cos2pi(u2), (i & 1u) == 0u);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
{{DRAW}}
}
