// softmax and log_softmax along the middle axis of x viewed as (outer, R, inner): one invocation
// per row, three passes over it (max; Σ exp(x - max), compensated; write). No barriers, which
// SwiftShader needs (kernels.md §3.4); rows of a real GPU run in parallel across invocations.
//   softmax:     y = exp(x - m) / Σ exp(x - m)
//   log_softmax: y = (x - m) - log Σ exp(x - m)
// All -inf rows give NaN (-inf - -inf), as torch; a NaN anywhere makes Σ, and so the row, NaN.
// {{LOG}} is true for log_softmax.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

struct Params {
  rows: u32,
  len: u32,
  inner: u32,
  // -inf (WGSL has no infinity literal).
  neg_inf: f32,
}
@group(0) @binding(2) var<uniform> P: Params;

{{MATH}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let id = flat_id(wid, nwg, lid, 64u);
  if (id >= P.rows) {
    return;
  }
  let base = (id / P.inner) * P.len * P.inner + id % P.inner;
  var m = P.neg_inf;
  for (var r = 0u; r < P.len; r++) {
    m = max(m, x[base + r * P.inner]);
  }
  var acc = vec2<f32>(0.0);
  for (var r = 0u; r < P.len; r++) {
    acc = nsum(acc, zexp(x[base + r * P.inner] - m));
  }
  let s = acc.x + acc.y;
  // NaN stays NaN (SwiftShader's log and exp do not promise it).
  let lse = select(log(s), s, is_nan(s));
  for (var r = 0u; r < P.len; r++) {
    let at = base + r * P.inner;
    if ({{LOG}}) {
      out[at] = (x[at] - m) - lse;
    } else {
      out[at] = zexp(x[at] - m) / s;
    }
  }
}
