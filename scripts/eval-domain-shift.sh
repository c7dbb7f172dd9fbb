#!/usr/bin/env bash
# The domain-shift row of each encoder, as docs/evaluation.md's recipe tables report it: air temperature and precipitation,
# few-shot 1 %, 5 probe seeds, on the test continents (Africa, Asia) and the validation continents (South America,
# Oceania), each with its mean, then the random split. One markdown row per encoder on stdout.
#   scripts/eval-domain-shift.sh LABEL=ENCODER... (ENCODER: wrap, sh:CKPT for its L, or CKPT for satclip)
set -euo pipefail
if [ $# -lt 1 ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  [ "${1:-}" = "--help" ] && exit 0 || exit 2
fi
cd "$(dirname "$0")/.."
dotnet build src/Range.Cli -c Release -v quiet -nologo >/dev/null
range() { dotnet src/Range.Cli/bin/Release/net10.0/range.dll "$@"; }
probe() { # TASK ENCODER-ARGS SPLIT-ARGS: the mean R^2 over 5 seeds
  # shellcheck disable=SC2086
  range eval --task "$1" --encoder $2 --split $3 --seeds 5 | tail -1 | sed -E 's/^[a-z_0-9]+ = ([-0-9.]+) ± ([0-9.]+).*/\1/'
}
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.3f", s / NF }' <<< "$*"; }
echo "| encoder | test: air T. Africa, Asia, precip. Africa, Asia | test mean | validation: air T. S. America, Oceania, precip. S. America, Oceania | val. mean | random: air T., precip. |"
echo "| --- | --- | --- | --- | --- | --- |"
for item in "$@"; do
  label=${item%%=*}; spec=${item#*=}
  case $spec in
    wrap) encoder="wrap" ;;
    sh:*) encoder="sh --checkpoint $(realpath "${spec#sh:}")" ;;
    *) encoder="satclip --checkpoint $(realpath "$spec")" ;;
  esac
  test=(); val=(); random=()
  for task in air-temperature precipitation; do
    for c in africa asia; do test+=("$(probe $task "$encoder" "holdout:$c --few-shot 0.01")"); done
    for c in south-america oceania; do val+=("$(probe $task "$encoder" "holdout:$c --few-shot 0.01")"); done
    random+=("$(probe $task "$encoder" random)")
  done
  # the order of the columns: air T. (continent 1, 2), precip. (continent 1, 2)
  echo "| $label | ${test[0]}, ${test[1]}, ${test[2]}, ${test[3]} | $(mean "${test[@]}") | ${val[0]}, ${val[1]}, ${val[2]}, ${val[3]} | $(mean "${val[@]}") | ${random[0]}, ${random[1]} |"
done
