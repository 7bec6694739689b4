# The zoo native addon: C++17 kernels behind Node-API (node-addon-api, no C++ exceptions).
# NOTE: no -march=native. AVX2/FMA code lives in functions marked ZOO_AVX2 (target attribute) and
# is chosen at load time with __builtin_cpu_supports, so the addon runs on any x86-64 (or other) CPU.
{
  "targets": [
    {
      "target_name": "zoo_native",
      "sources": [
        "src/addon.cc",
        "src/pool.cc",
        "src/rng.cc",
        "src/unary.cc",
        "src/binary.cc",
        "src/where.cc",
        "src/cast.cc",
        "src/reduce.cc",
        "src/cumsum.cc",
        "src/softmax.cc",
        "src/movement.cc",
        "src/indexing.cc",
        "src/segment.cc",
        "src/dropout.cc",
        "src/matmul.cc",
        "src/linear.cc",
        "src/peak.cc",
        "src/window.cc",
        "src/sinkhorn.cc",
        "src/hc.cc",
        "src/optim.cc",
        "src/conv.cc",
        "src/resample.cc",
        "src/attention.cc",
        "src/rope.cc",
        "src/norm.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS", "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"],
      "cflags_cc": ["-O3", "-ffp-contract=fast", "-fno-math-errno", "-fno-trapping-math", "-Wno-psabi", "-Wall", "-Wno-unused-function"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "gnu++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-ffp-contract=fast", "-fno-math-errno"]
      }
    }
  ]
}
