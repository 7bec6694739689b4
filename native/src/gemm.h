// The fused-epilogue form of matmul.cc's packed sgemm (the plain form is declared in zoo.h), for
// linear.cc: C = act(op(A) · op(B) + bias) + residual, row-major float32, the epilogue applied to
// each C tile while it is in registers, on its last K block (not as a second pass over C).
#pragma once
#include <cstddef>

namespace zoo {

/** Activations of the fused epilogue; the numbering is the `activation` code of exports::linear. */
enum GemmAct : int { kActNone = 0, kActRelu = 1, kActGelu = 2, kActGeluTanh = 3, kActSilu = 4 };

struct GemmEpilogue {
  /** (N), added to every row before the activation; null for none. */
  const float* bias = nullptr;
  /** (M, N) row-major, added after the activation; null for none. May not alias C. */
  const float* residual = nullptr;
  /** A GemmAct. */
  int activation = kActNone;
};

/**
 * C (M×N) = epi(op(A) · op(B)); op(A) is (M, K) (A stored (K, M) when transA), op(B) is (K, N)
 * (B stored (N, K) when transB). Uses the thread pool when the product is large enough. The plain
 * form is zoo.h's sgemm. Shapes are the caller's responsibility (TypeScript validated them).
 */
void sgemm_fused(const float* A, const float* B, float* C, size_t M, size_t K, size_t N, bool transA, bool transB,
                 const GemmEpilogue& epi);

}  // namespace zoo
