{
  "variables": {
    "libtorch_dir%": "<!(node -p \"process.env.LIBTORCH_DIR || ''\")",
    "with_gloo%": "<!(node -p \"require('fs').existsSync((process.env.LIBTORCH_DIR ? process.env.LIBTORCH_DIR + '/include' : '/usr/include') + '/gloo/algorithm.h') ? 1 : 0\")",
    "cuda_home%": "<!(node -p \"process.env.CUDA_HOME || '/usr/local/cuda'\")",
    "with_nccl%": "<!(node -p \"const fs = require('fs'), l = process.env.LIBTORCH_DIR, c = process.env.CUDA_HOME || '/usr/local/cuda'; l && fs.existsSync(l + '/lib/libtorch_cuda.so') && [c + '/include/nccl.h', '/usr/include/nccl.h'].some((f) => fs.existsSync(f)) ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "flowseg_native",
      "sources": [
        "src/addon.cc",
        "src/tensor.cc",
        "src/convert.cc",
        "src/ops_create.cc",
        "src/ops_math.cc",
        "src/ops_shape.cc",
        "src/ops_nn.cc",
        "src/ops_fused.cc",
        "src/pointwise_mlp.cc",
        "src/upsample_bilinear.cc",
        "src/avg_pool2x2.cc",
        "src/optim.cc",
        "src/adam_fused.cc",
        "src/random.cc",
        "src/distributed.cc",
        "src/distributed_reducer.cc",
        "src/signal_cleanup.cc",
        "src/cpu_allocator.cc",
        "src/profiler.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "_GLIBCXX_USE_CXX11_ABI=1"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-fopenmp", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "ldflags": ["-fopenmp"],
      "conditions": [
        ["with_gloo==1", {
          "defines": ["FLOWSEG_WITH_GLOO", "USE_C10D_GLOO"]
        }],
        ["with_nccl==1", {
          "defines": ["FLOWSEG_WITH_NCCL", "USE_C10D_NCCL"],
          "include_dirs": ["<(cuda_home)/include"],
          "libraries": ["-L<(cuda_home)/lib64", "-ltorch_cuda", "-lc10_cuda", "-lcudart"]
        }],
        ["libtorch_dir==''", {
          "include_dirs": ["/usr/include/torch/csrc/api/include", "/usr/include"],
          "libraries": ["-ltorch", "-ltorch_cpu", "-lc10"]
        }, {
          "include_dirs": ["<(libtorch_dir)/include/torch/csrc/api/include", "<(libtorch_dir)/include"],
          "libraries": ["-L<(libtorch_dir)/lib", "-Wl,-rpath,<(libtorch_dir)/lib", "-ltorch", "-ltorch_cpu", "-lc10"]
        }]
      ]
    }
  ]
}
