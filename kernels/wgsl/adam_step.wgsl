// adam_step: one fused Adam/AdamW update per element (engine/ops/optim/adam_step.ts has the formula):
//   g = sign·g (+ wd·p);  m' = β1·m + (1-β1)·g;  v' = β2·v + (1-β2)·g²;  v̂' = max(v̂, v') (NaN wins)
//   p' = p·decay - stepSize · m' / (sqrt(v̂)/sqrt(1-β2^t) + eps)
// One invocation per element, 64 per workgroup, launched 1-D (folded into 2-D past 65,535 workgroups).
//
// Placeholders: {{BINDINGS}} p, g, m, v (and v_max) read, p_out, m_out, v_out (and v_max_out)
// written, the uniform last; {{L2}} whether wd·p is added to g; {{AMSGRAD}} the v̂ update (empty
// without amsgrad: v̂ = v').

{{BINDINGS}}

struct Params {
  n: u32,
  sign: f32,
  wd: f32,
  decay: f32,
  b1: f32,
  omb1: f32,
  b2: f32,
  omb2: f32,
  eps: f32,
  step_size: f32,
  bc2_sqrt: f32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

const L2: bool = {{L2}};

// max with NaN propagation (the maximum op's rule).
fn max_nan(a: f32, b: f32) -> f32 {
  return select(select(max(a, b), b, !(b == b)), a, !(a == a));
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_id(wid, nwg, lid, 64u);
  if (i >= P.n) {
    return;
  }
  let pi = p[i];
  var gi = P.sign * g[i];
  if (L2) {
    gi = gi + pi * P.wd;
  }
  let m1 = m[i] * P.b1 + gi * P.omb1;
  let v1 = v[i] * P.b2 + (gi * gi) * P.omb2;
  var vh = v1;
{{AMSGRAD}}
  m_out[i] = m1;
  v_out[i] = v1;
  p_out[i] = pi * P.decay - (m1 / (sqrt(vh) / P.bc2_sqrt + P.eps)) * P.step_size;
}
