// adaptive_avg_pool2d: one invocation per output (plane, i, j), the mean of x over rows
// [floor(i·H/oh), ceil((i+1)·H/oh)) and columns [floor(j·W/ow), ceil((j+1)·W/ow)) (torch's
// adaptive windows; integer arithmetic, so the windows are exactly those of resample-util.ts).

struct Params {
  n: u32,
  planes: u32,
  H: u32,
  W: u32,
  oh: u32,
  ow: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> P: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let k = flat_id(wid, nwg, lid, 64u);
  if (k >= P.n) {
    return;
  }
  let j = k % P.ow;
  let i = (k / P.ow) % P.oh;
  let plane = k / (P.ow * P.oh);
  let r0 = (i * P.H) / P.oh;
  let r1 = ((i + 1u) * P.H + P.oh - 1u) / P.oh;
  let c0 = (j * P.W) / P.ow;
  let c1 = ((j + 1u) * P.W + P.ow - 1u) / P.ow;
  let base = plane * P.H * P.W;
  var s = 0.0;
  for (var r = r0; r < r1; r++) {
    var row = 0.0;
    for (var c = c0; c < c1; c++) {
      row += x[base + r * P.W + c];
    }
    s += row / f32(c1 - c0);
  }
  out[k] = s / f32(r1 - r0);
}
