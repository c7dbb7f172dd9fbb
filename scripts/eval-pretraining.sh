#!/usr/bin/env bash
# What pretraining adds, measured the paper's way: a linear probe of every encoder on every task, on a random
# 80/20 split and on the domain-shift splits (a continent held out, with and without 1 % few-shot), mean ± sd
# over seeds. Writes OUT/results.md (one table per task) and OUT/runs/*.json (every probe).
#   scripts/eval-pretraining.sh TRAINED.ckpt UNTRAINED.ckpt BANK OUT [SEEDS]
# UNTRAINED.ckpt: the same architecture at its seed's initialisation (`range pretrain ... --epochs 0`).
# EVAL_TASKS (default: all five below) picks tasks, e.g. EVAL_TASKS="country land-water".
set -euo pipefail
if [ $# -lt 4 ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  [ "${1:-}" = "--help" ] && exit 0 || exit 2
fi
trained=$(realpath "$1"); untrained=$(realpath "$2"); bank=$(realpath "$3"); out=$4; seeds=${5:-5}
cd "$(dirname "$0")/.."
dotnet build src/Range.Cli -c Release -v quiet -nologo >/dev/null
range() { dotnet src/Range.Cli/bin/Release/net10.0/range.dll "$@"; }
mkdir -p "$out/runs"

# country: a target no input channel encodes (land/water nearly is one: relief is 0 at sea level and below).
read -r -a tasks <<< "${EVAL_TASKS:-air-temperature precipitation elevation land-water country}"
splits=("random" "holdout:africa" "holdout:africa --few-shot 0.01" "holdout:asia" "holdout:asia --few-shot 0.01")
encoders=("wrap" "sh --checkpoint $trained" "satclip --checkpoint $untrained" "satclip --checkpoint $trained"
          "range --checkpoint $trained --bank $bank" "range+ --checkpoint $trained --bank $bank")
labels=("wrap" "sh" "satclip untrained" "satclip trained" "range" "range+")

{
  echo "Linear probe (ridge, alpha by cross-validation: 3-fold for regression, 10-fold for classification), mean ± sd over $seeds seeds; $(date -u +%Y-%m-%d)."
  echo "Trained: \`$(basename "$trained")\`; untrained: \`$(basename "$untrained")\` (same architecture, seed's initialisation); bank: \`$(basename "$bank")\`."
  echo "Command: \`scripts/eval-pretraining.sh $*\`"
  for task in "${tasks[@]}"; do
    echo; echo "### $task"; echo
    printf '| split |'; printf ' %s |' "${labels[@]}"; echo
    printf '| --- |'; for _ in "${labels[@]}"; do printf ' --- |'; done; echo
    for split in "${splits[@]}"; do
      printf '| %s |' "${split/ --few-shot 0.01/, few-shot 1 %}"
      for i in "${!encoders[@]}"; do
        name="${task}_$(echo "$split ${labels[$i]}" | tr -c 'a-z0-9+\n' '-')"
        # shellcheck disable=SC2086
        line=$(range eval --task "$task" --encoder ${encoders[$i]} --split $split --seeds "$seeds" --report "$out/runs/$name.json" | tail -1)
        printf ' %s |' "$(echo "$line" | sed -E 's/^[a-z_0-9]+ = ([-0-9.]+) ± ([0-9.]+).*/\1 ± \2/')"
      done
      echo
    done
  done
} | tee "$out/results.md"
