#!/usr/bin/env bash
# Runs every libFuzzer target built by the `fuzz` preset for a bounded time, starting from the
# committed seeds (tests/fuzz/corpus/<target>), and reports the executions. A crash fails the
# run and leaves the input in build/fuzz/crashes/<target>/ (add it to the seeds once fixed).
#   scripts/fuzz.sh [--seconds N] [--jobs J] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=8
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
bin=build/fuzz/bin
[[ -d $bin ]] || { echo "fuzz: $bin missing; run: cmake --preset fuzz && cmake --build --preset fuzz" >&2; exit 1; }
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(cd "$bin" && ls fuzz_* | sort)
fi
((${#targets[@]} > 0)) || { echo "fuzz: no targets found in $bin" >&2; exit 1; }

total=0
failed=0
for t in "${targets[@]}"; do
  work=build/fuzz/corpus-work/$t
  crashes=build/fuzz/crashes/$t
  mkdir -p "$work" "$crashes"
  seeds=tests/fuzz/corpus/$t
  [[ -d $seeds ]] || { echo "fuzz: no seed corpus for $t in $seeds" >&2; exit 1; }
  log=build/fuzz/$t.log
  # -rss_limit_mb guards against unbounded allocation; -timeout catches hangs.
  if "$bin/$t" "$work" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
    total=$((total + runs))
    printf 'fuzz: %-32s ok   %12d executions\n' "$t" "$runs"
  else
    failed=$((failed + 1))
    printf 'fuzz: %-32s FAILED (log: %s, inputs: %s)\n' "$t" "$log" "$crashes"
    grep -E 'ERROR|SUMMARY|deadly|Test unit written' "$log" | head -n 5 || true
  fi
done
echo "fuzz: ${#targets[@]} targets, $total executions in total, $failed failed"
echo "$(( ${#targets[@]} - failed )) passed, $failed failed"
((failed == 0))
