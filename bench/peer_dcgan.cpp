// Benchmark peer: the DCGAN of examples/dcgan_fashion.gen (LANGUAGE.md section 11) written by
// hand in LibTorch C++: nonsaturating loss, batch 64, Adam 2e-4 betas (0.5, 0.999), one D step
// then one G step per iteration (the G step reuses the iteration's fakes, as pytorch/examples
// dcgan does). One step = one iteration. Prints steps/s.
#include <torch/torch.h>

#include <cstdio>

#include "bench/peer_common.h"
#include "runtime/data/batcher.h"
#include "runtime/data/idx.h"
#include "runtime/data/transforms.h"

namespace {

namespace nn = torch::nn;
namespace F = torch::nn::functional;

constexpr int64_t kNz = 100, kCh = 64;

struct GeneratorImpl : nn::Module {
  nn::Linear fc{nullptr};
  nn::BatchNorm2d bn0{nullptr}, bn1{nullptr};
  nn::ConvTranspose2d up1{nullptr}, up2{nullptr};
  GeneratorImpl()
      : fc(register_module("fc", nn::Linear(kNz, kCh * 2 * 7 * 7))),
        bn0(register_module("bn0", nn::BatchNorm2d(kCh * 2))),
        bn1(register_module("bn1", nn::BatchNorm2d(kCh))),
        up1(register_module("up1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(kCh * 2, kCh, 4).stride(2).padding(1)))),
        up2(register_module("up2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(kCh, 1, 4).stride(2).padding(1)))) {}

  torch::Tensor forward(const torch::Tensor& z) {
    torch::Tensor h = torch::relu(bn0(fc(z).view({-1, kCh * 2, 7, 7})));
    h = torch::relu(bn1(up1(h)));
    return torch::tanh(up2(h));
  }
};
TORCH_MODULE(Generator);

struct DiscriminatorImpl : nn::Module {
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn{nullptr};
  nn::Linear fc{nullptr};
  DiscriminatorImpl()
      : conv1(register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, kCh, 4).stride(2).padding(1)))),
        conv2(register_module("conv2", nn::Conv2d(nn::Conv2dOptions(kCh, kCh * 2, 4).stride(2).padding(1)))),
        bn(register_module("bn", nn::BatchNorm2d(kCh * 2))),
        fc(register_module("fc", nn::Linear(kCh * 2 * 7 * 7, 1))) {}

  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = F::leaky_relu(conv1(x), F::LeakyReLUFuncOptions().negative_slope(0.2));
    h = F::leaky_relu(bn(conv2(h)), F::LeakyReLUFuncOptions().negative_slope(0.2));
    return fc(h.flatten(1));
  }
};
TORCH_MODULE(Discriminator);

}  // namespace

int main(int argc, char** argv) {
  const genc::bench::PeerOptions o = genc::bench::parse_options(argc, argv);
  genc::bench::setup(o);
  genc::runtime::Data data = genc::runtime::fashion_mnist("train", o.data_dir);
  data.x = genc::runtime::transforms::scale(data.x, -1.0, 1.0);
  genc::runtime::Batcher batches(std::move(data), 64, o.seed);

  Generator g;
  Discriminator d;
  const auto adam = torch::optim::AdamOptions(2e-4).betas({0.5, 0.999});
  torch::optim::Adam opt_g(g->parameters(), adam), opt_d(d->parameters(), adam);
  genc::bench::run_timed("dcgan", o, [&] {
    torch::Tensor real = batches.next().x;
    torch::Tensor fake = g(torch::randn({real.size(0), kNz}));
    // Nonsaturating GAN loss: softplus(-D(real)) + softplus(D(fake)) for D, softplus(-D(fake)) for G.
    torch::Tensor loss_d = F::softplus(-d(real)).mean() + F::softplus(d(fake.detach())).mean();
    d->zero_grad(/*set_to_none=*/true);
    loss_d.backward();
    opt_d.step();
    torch::Tensor loss_g = F::softplus(-d(fake)).mean();
    g->zero_grad(/*set_to_none=*/true);
    loss_g.backward();
    opt_g.step();
    return loss_g.detach();
  });
}
