#!/usr/bin/env bash
# Lists the libtorch symbols TorchSharp's native shim (libLibTorchSharp.so) needs that a given libtorch
# does not export: run it on a GPU host against PyTorch's torch/lib before using RANGE_LIBTORCH_DIR.
#   scripts/check-libtorch-abi.sh /path/to/site-packages/torch/lib [path/to/libLibTorchSharp.so]
# Exit 0 and "0 missing" means every symbol binds; otherwise the missing ones are printed, demangled.
set -euo pipefail
torchlib=${1:?usage: $0 TORCH_LIB_DIR [libLibTorchSharp.so]}
shim=${2:-$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp" -name libLibTorchSharp.so 2>/dev/null | head -n 1)}
[ -f "$shim" ] || { echo "error: libLibTorchSharp.so not found (pass it as the second argument)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# What the shim needs from anything but the C and C++ runtimes.
nm -D --undefined-only "$shim" | awk '$1 == "U" {print $2}' | grep -vE '@(GLIBC|GLIBCXX|CXXABI|GCC)_' | sed 's/@.*//' | sort -u > "$work/need"
for lib in "$torchlib"/libtorch*.so "$torchlib"/libc10*.so; do
  [ -f "$lib" ] && nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//'
done | sort -u > "$work/have"
comm -23 "$work/need" "$work/have" > "$work/missing"
echo "$(wc -l < "$work/need") symbols needed from libtorch, $(wc -l < "$work/missing") missing in $torchlib"
if [ -s "$work/missing" ]; then
  c++filt < "$work/missing" | head -n 200
  exit 1
fi
