# Source ON THE GPU MACHINE after scripts/gpu/build.sh: genc reads Fashion-MNIST from the
# unpacked package and finds the ANTLR runtime there.
genc_gpu_prefix=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.gpu/prefix
export GENC_FASHION_MNIST_DIR=$genc_gpu_prefix/usr/share/datasets/fashion-mnist
export LD_LIBRARY_PATH=$genc_gpu_prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
