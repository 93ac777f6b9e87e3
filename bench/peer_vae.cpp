// Benchmark peer: the MLP VAE 784-400-20 of examples/vae_fashion.gen written by hand in
// LibTorch C++ (batch 128, Adam 1e-3, Fashion-MNIST), printing training steps/s.
#include <torch/torch.h>

#include <cstdio>

#include "bench/peer_common.h"
#include "runtime/data/batcher.h"
#include "runtime/data/idx.h"

namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

struct VaeImpl : nn::Module {
  nn::Linear enc{nullptr}, mean{nullptr}, logvar{nullptr}, dec1{nullptr}, dec2{nullptr};
  VaeImpl()
      : enc(register_module("enc", nn::Linear(784, 400))),
        mean(register_module("mean", nn::Linear(400, 20))),
        logvar(register_module("logvar", nn::Linear(400, 20))),
        dec1(register_module("dec1", nn::Linear(20, 400))),
        dec2(register_module("dec2", nn::Linear(400, 784))) {}

  /// The negative ELBO, mean over the batch: Bernoulli NLL summed over pixels + KL.
  torch::Tensor loss(const torch::Tensor& images) {
    const int64_t b = images.size(0);
    torch::Tensor x = images.flatten(1);
    torch::Tensor h = torch::relu(enc(x));
    torch::Tensor mu = mean(h), lv = logvar(h);
    torch::Tensor z = mu + torch::randn_like(mu) * torch::exp(0.5 * lv);
    torch::Tensor logits = dec2(torch::relu(dec1(z)));
    torch::Tensor nll = F::binary_cross_entropy_with_logits(
        logits, x, F::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kSum));
    torch::Tensor kl = -0.5 * torch::sum(1 + lv - mu.pow(2) - lv.exp());
    return (nll + kl) / b;
  }
};
TORCH_MODULE(Vae);

}  // namespace

int main(int argc, char** argv) {
  const genc::bench::PeerOptions o = genc::bench::parse_options(argc, argv);
  genc::bench::setup(o);
  genc::runtime::Batcher batches(genc::runtime::fashion_mnist("train", o.data_dir), 128, o.seed);
  Vae model;
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
  genc::bench::run_timed("vae", o, [&] {
    torch::Tensor loss = model->loss(batches.next().x);
    model->zero_grad(/*set_to_none=*/true);
    loss.backward();
    opt.step();
    return loss.detach();
  });
}
