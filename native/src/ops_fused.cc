// Fused inference kernels: loops that would otherwise be thousands of small ops called from JS.
#include "common.h"
#include "pointwise_mlp.h"

#include <ATen/Parallel.h>

namespace fs {

// samplePointwiseMlp(shared [B,P,F], perSample [B,n,F], weights [[Cout,Cin]...], biases [[Cout]...], chunk)
// → [B, n, P, Cout_last]. For every image b, sample s and chunk of `chunk` pixels:
// x = relu(shared[b, chunk] + perSample[b, s]), then x = x·Wₖᵀ + bₖ per layer, ReLU after all but
// the last. fcomb's per-sample layers at inference: the same arithmetic as the op-by-op JS loop
// (models/fcomb.ts), reusing one cache-sized buffer per layer instead of allocating ~6 tensors per chunk.
// float32 on the CPU runs the tiled kernel of pointwise_mlp.cc over all threads (same arithmetic up
// to FMA rounding); other dtypes and devices run the addmm loop below.
// Inference only: refuses inputs that need gradients while grad mode is on.
static bool allFloat32Cpu(const torch::Tensor& shared, const torch::Tensor& perSample, const std::vector<torch::Tensor>& weights,
                          const std::vector<torch::Tensor>& biases) {
  auto ok = [](const torch::Tensor& t) { return t.scalar_type() == torch::kFloat && t.device().is_cpu(); };
  if (!ok(shared) || !ok(perSample)) return false;
  for (auto& w : weights)
    if (!ok(w)) return false;
  for (auto& b : biases)
    if (!ok(b)) return false;
  return true;
}

static FS_FN(SamplePointwiseMlp) {
  return guarded(info, [&]() -> Napi::Value {
    torch::Tensor shared = tensorArg(info, 0, "samplePointwiseMlp shared");
    torch::Tensor perSample = tensorArg(info, 1, "samplePointwiseMlp perSample");
    std::vector<torch::Tensor> weights = tensorListArg(info, 2, "samplePointwiseMlp weights");
    std::vector<torch::Tensor> biases = tensorListArg(info, 3, "samplePointwiseMlp biases");
    const int64_t chunk = intArg(info, 4, "samplePointwiseMlp chunk");
    if (shared.dim() != 3 || perSample.dim() != 3 || shared.size(0) != perSample.size(0) || shared.size(2) != perSample.size(2))
      throw std::invalid_argument("samplePointwiseMlp: shared [B,P,F] and perSample [B,n,F] must agree on B and F");
    if (weights.empty() || weights.size() != biases.size())
      throw std::invalid_argument("samplePointwiseMlp: need one bias per weight and at least one layer");
    if (chunk < 1) throw std::invalid_argument("samplePointwiseMlp: chunk must be ≥ 1");
    if (at::GradMode::is_enabled()) {
      bool needsGrad = shared.requires_grad() || perSample.requires_grad();
      for (auto& w : weights) needsGrad = needsGrad || w.requires_grad();
      for (auto& b : biases) needsGrad = needsGrad || b.requires_grad();
      if (needsGrad) throw std::invalid_argument("samplePointwiseMlp: inference only; call it with gradients disabled");
    }
    torch::NoGradGuard noGrad;
    const int64_t batch = shared.size(0), pixels = shared.size(1), channels = shared.size(2), samples = perSample.size(1);
    std::vector<torch::Tensor> biasRows;  // [Cout] each
    int64_t inputs = channels;
    for (size_t k = 0; k < weights.size(); ++k) {
      if (weights[k].dim() != 2 || weights[k].size(1) != inputs || biases[k].numel() != weights[k].size(0))
        throw std::invalid_argument("samplePointwiseMlp: layer " + std::to_string(k) + " does not fit its input width");
      biasRows.push_back(biases[k].reshape({weights[k].size(0)}));
      inputs = weights[k].size(0);
    }
    const int64_t outputs = inputs;
    torch::Tensor sharedC = shared.contiguous();
    torch::Tensor out = at::empty({batch, samples, pixels, outputs}, shared.options());
    if (allFloat32Cpu(sharedC, perSample, weights, biases)) {
      // The tiled kernel (pointwise_mlp.cc), images × samples × pixel blocks spread over the threads.
      torch::Tensor offsets = perSample.contiguous();
      torch::Tensor channelMajor = sharedC.transpose(1, 2).contiguous();  // [B, F, P]: a tile's channel is one contiguous run
      std::vector<torch::Tensor> weightsC, biasesC;  // keep the contiguous copies alive
      std::vector<DenseLayer> layers;
      for (size_t k = 0; k < weights.size(); ++k) {
        weightsC.push_back(weights[k].contiguous());
        biasesC.push_back(biasRows[k].contiguous());
        layers.push_back({weightsC[k].data_ptr<float>(), biasesC[k].data_ptr<float>(), weights[k].size(1), weights[k].size(0)});
      }
      const int64_t blocks = (pixels + chunk - 1) / chunk;
      const float* sharedData = channelMajor.data_ptr<float>();
      const float* offsetData = offsets.data_ptr<float>();
      float* outData = out.data_ptr<float>();
      at::parallel_for(0, batch * samples * blocks, 1, [&](int64_t begin, int64_t end) {
        for (int64_t task = begin; task < end; ++task) {
          const int64_t image = task / (samples * blocks), sample = task / blocks % samples, p = task % blocks * chunk;
          const int64_t len = std::min(chunk, pixels - p);
          pointwiseMlpRows(sharedData + image * channels * pixels + p, pixels, offsetData + (image * samples + sample) * channels, layers, len,
                           outData + ((image * samples + sample) * pixels + p) * outputs);
        }
      });
      return WRAP(out);
    }
    // The addmm loop: transposed weights and one cache-sized buffer per layer, reused per chunk.
    const int64_t rows = std::min(chunk, pixels);
    std::vector<torch::Tensor> weightsT;  // [Cin, Cout] each
    std::vector<torch::Tensor> hidden;    // [rows, Cout] of every layer but the last
    for (size_t k = 0; k < weights.size(); ++k) {
      weightsT.push_back(weights[k].t().contiguous());
      if (k + 1 < weights.size()) hidden.push_back(at::empty({rows, weights[k].size(0)}, shared.options()));
    }
    torch::Tensor first = at::empty({rows, channels}, shared.options());
    for (int64_t b = 0; b < batch; ++b) {
      torch::Tensor image = sharedC[b];  // [P, F]
      for (int64_t s = 0; s < samples; ++s) {
        torch::Tensor z = perSample[b][s];  // [F]
        torch::Tensor target = out[b][s];    // [P, Cout]
        for (int64_t p = 0; p < pixels; p += chunk) {
          const int64_t len = std::min(chunk, pixels - p);
          torch::Tensor x = first.narrow(0, 0, len);
          at::add_out(x, image.narrow(0, p, len), z);
          x.relu_();
          for (size_t k = 0; k < weightsT.size(); ++k) {
            const bool last = k + 1 == weightsT.size();
            torch::Tensor y = last ? target.narrow(0, p, len) : hidden[k].narrow(0, 0, len);
            at::addmm_out(y, biasRows[k], x, weightsT[k]);
            if (!last) {
              y.relu_();
              x = y;
            }
          }
        }
      }
    }
    return WRAP(out);
  });
}

// "avx2" or "portable": which loops samplePointwiseMlp's float32 CPU kernel runs here.
static FS_FN(PointwiseMlpKernel) { return Napi::String::New(info.Env(), pointwiseMlpUsesAvx2() ? "avx2" : "portable"); }

void initFused(Napi::Env env, Napi::Object exports) {
  FS_EXPORT(exports, env, "samplePointwiseMlp", SamplePointwiseMlp);
  FS_EXPORT(exports, env, "pointwiseMlpKernel", PointwiseMlpKernel);
}

}  // namespace fs
