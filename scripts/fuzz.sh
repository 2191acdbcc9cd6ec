#!/usr/bin/env bash
# Runs every libFuzzer target built by the `fuzz` preset for a bounded time, starting from the
# committed seeds (tests/fuzz/corpus/<target>), and reports the executions. A crash fails the
# run and leaves the input in build/fuzz/crashes/<target>/ (add it to the seeds once fixed).
#   scripts/fuzz.sh [--seconds N] [--jobs J] [target...]
#   --seconds  time per target (default 8)
#   --jobs     targets run at once (default: number of cores); each target uses one core
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=8
jobs=$(nproc)
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --jobs must be a positive integer, got '$jobs'" >&2; exit 1; }
bin=build/fuzz/bin
[[ -d $bin ]] || { echo "fuzz: $bin missing; run: cmake --preset fuzz && cmake --build --preset fuzz" >&2; exit 1; }
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(cd "$bin" && ls fuzz_* | sort)
fi
((${#targets[@]} > 0)) || { echo "fuzz: no targets found in $bin" >&2; exit 1; }
for t in "${targets[@]}"; do
  [[ -x $bin/$t ]] || { echo "fuzz: no target $t in $bin" >&2; exit 1; }
  [[ -d tests/fuzz/corpus/$t ]] || { echo "fuzz: no seed corpus for $t in tests/fuzz/corpus/$t" >&2; exit 1; }
done

# One target: runs it and writes its result line to build/fuzz/<target>.result.
run_target() {
  local t=$1
  local work=build/fuzz/corpus-work/$t crashes=build/fuzz/crashes/$t log=build/fuzz/$t.log
  mkdir -p "$work" "$crashes"
  # -rss_limit_mb guards against unbounded allocation; -timeout catches hangs.
  if "$bin/$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout=10 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    local runs
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
    echo "ok $runs" >"build/fuzz/$t.result"
  else
    echo "failed" >"build/fuzz/$t.result"
  fi
}

for t in "${targets[@]}"; do
  rm -f "build/fuzz/$t.result"
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_target "$t" &
done
wait

total=0
failed=0
for t in "${targets[@]}"; do
  result=$(cat "build/fuzz/$t.result" 2>/dev/null || echo "failed")
  if [[ $result == ok* ]]; then
    runs=${result#ok }
    total=$((total + runs))
    printf 'fuzz: %-32s ok   %12d executions\n' "$t" "$runs"
  else
    failed=$((failed + 1))
    printf 'fuzz: %-32s FAILED (log: %s, inputs: %s)\n' "$t" "build/fuzz/$t.log" "build/fuzz/crashes/$t"
    grep -E 'ERROR|SUMMARY|deadly|Test unit written' "build/fuzz/$t.log" | head -n 5 || true
  fi
done
echo "fuzz: ${#targets[@]} targets, $total executions in total, $failed failed"
echo "$(( ${#targets[@]} - failed )) passed, $failed failed"
((failed == 0))
