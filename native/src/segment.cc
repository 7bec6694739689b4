// Segment ops over rows grouped by id (graph networks: edges by destination node), data viewed as
// (E, inner), ids (E) in [0, N): sum, mean (empty segments 0), max (NaN wins; empty segments 0) and
// softmax within each segment (m = max, z = Σ e^{x-m}, y = e^{x-m}/z). Accumulation in double as
// in kernels/ref/segment_*.ts; serial, since rows of one segment would race.
#include <cmath>
#include <vector>

#include "tables.h"
#include "zoo.h"

namespace zoo::exports {

// segment(code, data, ids, out, edges, inner, segments) -> first bad id position or -1
Napi::Value segment(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(data, 1);
  ZOO_BUF(ids, 2);
  ZOO_BUF(out, 3);
  const size_t E = arg_int(info, 4), inner = arg_int(info, 5), N = arg_int(info, 6);
  const size_t rowsOut = op == S_segment_softmax ? E : N;
  if (op < 0 || op >= kSegmentCount || ids.t != I32 || ids.n != E || data.n != E * inner || out.n != rowsOut * inner) {
    throw_type(info.Env(), "segment: bad arguments");
    return info.Env().Undefined();
  }
  const int32_t* id = ids.i32();
  for (size_t e = 0; e < E; e++)
    if (id[e] < 0 || static_cast<size_t>(id[e]) >= N) return Napi::Number::New(info.Env(), static_cast<double>(e));
  std::vector<double> acc(N * inner, op == S_segment_sum || op == S_segment_mean ? 0.0 : -INFINITY);
  std::vector<double> count(N, 0.0);
  for (size_t e = 0; e < E; e++) {
    const size_t s = static_cast<size_t>(id[e]);
    count[s] += 1;
    for (size_t j = 0; j < inner; j++) {
      const double v = load(data, e * inner + j);
      double& a = acc[s * inner + j];
      if (op == S_segment_sum || op == S_segment_mean) a += v;
      else if (v > a || v != v) a = v;  // running max, NaN wins
    }
  }
  if (op == S_segment_softmax) {
    std::vector<double> z(N * inner, 0.0);
    for (size_t e = 0; e < E; e++)
      for (size_t j = 0; j < inner; j++) {
        const size_t at = static_cast<size_t>(id[e]) * inner + j;
        z[at] += std::exp(load(data, e * inner + j) - acc[at]);
      }
    for (size_t e = 0; e < E; e++)
      for (size_t j = 0; j < inner; j++) {
        const size_t at = static_cast<size_t>(id[e]) * inner + j;
        store(out, e * inner + j, std::exp(load(data, e * inner + j) - acc[at]) / z[at]);
      }
  } else {
    for (size_t i = 0; i < N * inner; i++) {
      const double c = count[i / inner];
      double v = acc[i];
      if (op == S_segment_mean) v /= c > 1 ? c : 1;
      if (op == S_segment_max && c == 0) v = 0;
      store(out, i, v);
    }
  }
  return Napi::Number::New(info.Env(), -1);
}

}  // namespace zoo::exports
