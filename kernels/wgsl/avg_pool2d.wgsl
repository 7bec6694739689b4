// avg_pool2d: one invocation per output (plane, r, q). The window starts at a = r·sh - lo_h (rows)
// and ends at b = min(a + kh, H + lo_h) (torch clips a ceil-mode window to the padded input); the
// in-range pixels are summed in row-major order and divided by
//   divisor_override, or (b - a)·(b' - a') with count_include_pad, or the in-range pixel count;
// a window without input pixels gives 0 (kernels/ref/avg_pool2d.ts, conv-util.ts avgPoolDivisors).

struct Params {
  n: u32,
  planes: u32,
  H: i32,
  W: i32,
  kh: i32,
  kw: i32,
  sh: i32,
  sw: i32,
  lo_h: i32,
  lo_w: i32,
  oh: i32,
  ow: i32,
  count_include_pad: u32,
  has_override: u32,
  divisor_override: f32,
  pad0: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let L = u32(P.oh * P.ow);
  let l = i32(i % L);
  let plane = i / L;
  let a_h = (l / P.ow) * P.sh - P.lo_h;
  let a_w = (l % P.ow) * P.sw - P.lo_w;
  let b_h = min(a_h + P.kh, P.H + P.lo_h);
  let b_w = min(a_w + P.kw, P.W + P.lo_w);
  let r0 = max(a_h, 0);
  let r1 = min(b_h, P.H);
  let c0 = max(a_w, 0);
  let c1 = min(b_w, P.W);
  if (r1 <= r0 || c1 <= c0) {
    out[i] = 0.0;
    return;
  }
  let base = plane * u32(P.H * P.W);
  var s = 0.0;
  for (var r = r0; r < r1; r++) {
    for (var c = c0; c < c1; c++) {
      s += x[base + u32(r * P.W + c)];
    }
  }
  var div = f32((r1 - r0) * (c1 - c0));
  if (P.has_override != 0u) {
    div = P.divisor_override;
  } else if (P.count_include_pad != 0u) {
    div = f32((b_h - a_h) * (b_w - a_w));
  }
  out[i] = s / div;
}
