// Copies of the LANGUAGE.md programs (sections 1, 10 and 11) that sema must analyse.
#pragma once

namespace genc::test {

inline const char* kVaeFashion =
    R"gen(// examples/vae_fashion.gen — the seed's MLP VAE on Fashion-MNIST
use std.nn

data fashion = fashion_mnist(split: "train")      // x: [1,28,28] in [0,1], y: label of 10
data fashion_test = fashion_mnist(split: "test")

model vae(latent: 20, hidden: 400) {
  encoder q(x: [1,28,28]) -> gaussian {
    h = x |> flatten |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> bernoulli {
    h = z |> linear(hidden) |> relu |> linear(784)
    return bernoulli(logits: reshape(h, [1,28,28]))
  }
  objective elbo(beta: 1.0)
}

train vae on fashion {
  batch 128
  optimizer adam(lr: 1e-3)
  epochs 10
  eval on fashion_test every epoch          // reports test ELBO in nats
  sample 64 every epoch to "samples/vae"    // PNG grid per epoch
}
)gen";

inline const char* kDcgan = R"gen(// DCGAN on Fashion-MNIST
use std.nn
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)

model dcgan(nz: 100, ch: 64) {
  generator G(z: [nz]) -> [1,28,28] {
    h = z |> linear(ch*2*7*7) |> reshape([ch*2,7,7]) |> batchnorm |> relu
    h = h |> upconv(ch, k: 4, s: 2, p: 1) |> batchnorm |> relu
    return h |> upconv(1, k: 4, s: 2, p: 1) |> tanh
  }
  discriminator D(x: [1,28,28]) -> [1] {
    h = x |> conv(ch, k: 4, s: 2, p: 1) |> leaky_relu(0.2)
    h = h |> conv(ch*2, k: 4, s: 2, p: 1) |> batchnorm |> leaky_relu(0.2)
    return h |> flatten |> linear(1)
  }
  objective gan(loss: "nonsaturating")
}
train dcgan on fashion { batch 64  optimizer adam(lr: 2e-4, betas: [0.5, 0.999])  epochs 5 }
)gen";

inline const char* kRealNvp = R"gen(// RealNVP on two moons
use std.nn
data moons = moons(n: 20000, noise: 0.05)

model realnvp(layers: 8, hidden: 128) {
  flow f(x: [2]) -> normal {
    repeat i in 0..layers {
      x = affine_coupling(x, mask: i % 2 == 0 ? "even" : "odd", net: mlp([hidden, hidden]))
      x = actnorm(x)
    }
    return x
  }
  objective nll
}
train realnvp on moons { batch 256  optimizer adam(lr: 1e-3)  steps 3000 }
)gen";

inline const char* kDdpm = R"gen(// DDPM on Fashion-MNIST with a UNet written in the stdlib
use std.nn
use std.unet
data fashion = fashion_mnist(split: "train") |> scale(-1, 1)

model ddpm(ch: 32) {
  schedule s = cosine(steps: 1000)
  denoiser eps(x: [1,28,28], t: time) -> [1,28,28] {
    return unet(x, t, ch: ch, mults: [1, 2, 2])
  }
  objective denoise(predict: "eps")
  sampler ddim(steps: 50)
}
train ddpm on fashion { batch 128  optimizer adam(lr: 2e-4)  ema 0.999  epochs 10 }
)gen";

inline const char* kPixelGpt = R"gen(// A small causal transformer over binarized pixels
use std.nn
use std.transformer
data pixels = fashion_mnist(split: "train") |> binarize |> flatten |> tokens(levels: 2)

model pixel_gpt(d: 128, heads: 4, layers: 4) {
  autoregressive p(x: tokens[784] of 2) -> categorical {
    h = embed(x, d) + position(784, d)
    repeat layers { h = transformer_block(h, heads: heads, causal: true) }
    return categorical(logits: h |> layernorm |> linear(2))
  }
  objective nll
  sampler sample(temperature: 1.0)
}
train pixel_gpt on pixels { batch 32  optimizer adamw(lr: 3e-4)  steps 5000 }
)gen";

/// Section 10's diagnostic: 'mu' bound at 6:5, the '+' at 9:22.
inline const char* kShapeMismatch = R"gen(data d = moons(n: 100)
model vae(latent: 20) {
  encoder q(x: [2]) -> gaussian {
    h = linear(x, 400)
    lv = linear(h, 20)
    mu = linear(h, latent)
    z = mu
    // the next line adds a [400] to a [20]
  h = linear(z, 400) + mu
    return gaussian(mean: mu, logvar: lv)
  }
  decoder p(z: [latent]) -> gaussian {
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }
  objective elbo
}
)gen";

}  // namespace genc::test
