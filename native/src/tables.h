// Op codes of the generic kernels, one X-macro list each; `info()` exports the name -> code maps so
// the TypeScript side never hard-codes a number.
#pragma once

// Elementwise unary (unary.cc). p0/p1 are the op's parameters (slope, alpha, bounds, beta/threshold).
#define ZOO_UNARY_OPS(X)                                                                          \
  X(neg) X(abs) X(sign) X(exp) X(log) X(log1p) X(expm1) X(sqrt) X(rsqrt) X(reciprocal) X(square) \
  X(sin) X(cos) X(tanh) X(sigmoid) X(relu) X(leaky_relu) X(elu) X(selu) X(celu) X(gelu)          \
  X(gelu_tanh) X(silu) X(mish) X(softplus) X(softsign) X(hardtanh) X(hardsigmoid) X(hardswish)   \
  X(logsigmoid) X(clamp)

// Elementwise binary with broadcasting (binary.cc); comparisons write bool (Uint8Array).
#define ZOO_BINARY_OPS(X) \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(eq) X(ne) X(lt) X(le) X(gt) X(ge)

// Reductions over axis sets (reduce.cc); `param` is var/std's divisor.
#define ZOO_REDUCE_OPS(X) X(sum) X(mean) X(prod) X(max) X(min) X(var) X(std) X(logsumexp) X(argmax) X(argmin)

// Segment reductions over rows grouped by id (segment.cc).
#define ZOO_SEGMENT_OPS(X) X(segment_sum) X(segment_mean) X(segment_max) X(segment_softmax)

namespace zoo {
#define ZOO_ENUM(name) U_##name,
enum UnaryOp { ZOO_UNARY_OPS(ZOO_ENUM) kUnaryCountEnum };
#undef ZOO_ENUM
#define ZOO_ENUM(name) B_##name,
enum BinaryOp { ZOO_BINARY_OPS(ZOO_ENUM) kBinaryCountEnum };
#undef ZOO_ENUM
#define ZOO_ENUM(name) R_##name,
enum ReduceOp { ZOO_REDUCE_OPS(ZOO_ENUM) kReduceCountEnum };
#undef ZOO_ENUM
#define ZOO_ENUM(name) S_##name,
enum SegmentOp { ZOO_SEGMENT_OPS(ZOO_ENUM) kSegmentCountEnum };
#undef ZOO_ENUM

#define ZOO_NAME(name) #name,
inline const char* const kUnaryNames[] = {ZOO_UNARY_OPS(ZOO_NAME)};
inline const char* const kBinaryNames[] = {ZOO_BINARY_OPS(ZOO_NAME)};
inline const char* const kReduceNames[] = {ZOO_REDUCE_OPS(ZOO_NAME)};
inline const char* const kSegmentNames[] = {ZOO_SEGMENT_OPS(ZOO_NAME)};
#undef ZOO_NAME
constexpr int kUnaryCount = kUnaryCountEnum;
constexpr int kBinaryCount = kBinaryCountEnum;
constexpr int kReduceCount = kReduceCountEnum;
constexpr int kSegmentCount = kSegmentCountEnum;
}  // namespace zoo
