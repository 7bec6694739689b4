// sgd_step: one fused SGD update per element (engine/ops/optim/sgd_step.ts has the formula):
//   d = sign·g (+ wd·p);  b' = first ? d : μ·b + (1-τ)·d;  p' = p - lr·(nesterov ? d + μ·b' : b')
// One invocation per element, 64 per workgroup, launched 1-D (folded into 2-D past 65,535 workgroups).
//
// Placeholders: {{BINDINGS}} p, g (and buf) read, p_out (and buf_out) written, the uniform last;
// {{L2}} whether wd·p is added; {{MOMENTUM}} the buffer update (empty without momentum), which
// may change d.

{{BINDINGS}}

struct Params {
  n: u32,
  lr: f32,
  momentum: f32,
  keep: f32,
  wd: f32,
  sign: f32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

const L2: bool = {{L2}};

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let pi = p[i];
  var d = P.sign * g[i];
  if (L2) {
    d = d + pi * P.wd;
  }
{{MOMENTUM}}
  p_out[i] = pi - d * P.lr;
}
