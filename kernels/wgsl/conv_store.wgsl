// The epilogue of conv2d and conv_transpose2d (spliced in at {{CONV_STORE}}; both declare `y` and
// `bias` and tile their output as 4 channels × 4 positions).

/**
 * Writes the 4×4 tile `acc` (rows: output channels o0.. of group g, columns: positions c0.. of
 * the `cols` per channel) of image n into y (N, O, cols), plus the bias; skips the ragged edges.
 */
fn store_tile(acc: array<vec4<f32>, 4>, n: u32, g: u32, Og: u32, o0: u32, c0: u32, cols: u32) {
  for (var ii = 0u; ii < 4u; ii++) {
    let o = o0 + ii;
    if (o >= Og) {
      break;
    }
    var bv = 0.0;
    if (P.has_bias != 0u) {
      bv = bias[g * Og + o];
    }
    let yb = (n * P.O + g * Og + o) * cols;
    for (var jj = 0u; jj < 4u; jj++) {
      let c = c0 + jj;
      if (c < cols) {
        y[yb + c] = acc[ii][jj] + bv;
      }
    }
  }
}
