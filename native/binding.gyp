{
  "variables": {
    "libtorch_dir%": "<!(node -p \"process.env.LIBTORCH_DIR || ''\")"
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
        "src/optim.cc",
        "src/random.cc"
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
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "conditions": [
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
