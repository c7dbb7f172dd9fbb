#!/usr/bin/env bash
# Builds a self-contained `range` for a GPU host that has PyTorch (with CUDA) but no .NET and no NuGet:
# the TorchSharp shim only (-p:TorchBackend=external), bound at run time to that PyTorch's libtorch.
#   scripts/publish-gpu-silo.sh [OUT_DIR]          (here, on any machine with the .NET SDK)
#   copy OUT_DIR to the GPU host, then there:
#     OUT_DIR/check-libtorch-abi.sh "$(python -c 'import torch, os; print(os.path.dirname(torch.__file__))')/lib" OUT_DIR/libLibTorchSharp.so
#     RANGE_LIBTORCH_DIR=.../torch/lib OUT_DIR/range silo --cluster REDIS --device cuda
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/gpu-silo}
dotnet publish src/Range.Cli -c Release -r linux-x64 --self-contained -p:TorchBackend=external -o "$out" -v quiet -nologo
cp scripts/check-libtorch-abi.sh "$out/"
echo "published to $out ($(du -sh "$out" | cut -f1)); run with RANGE_LIBTORCH_DIR=<torch/lib> $out/range ..."
