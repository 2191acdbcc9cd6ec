#!/usr/bin/env bash
# Runs every test tier: bootstrap, release build + all ctest tests, the driver tiers against
# the release cqlsim and cqlshift (scripts/drivers.sh), the asan preset's tests and the proxy's
# Python integration tests through the asan cqlshift, and each libFuzzer target for a bounded
# time. Exits non-zero on the first failure.
#   FUZZ_SECONDS   seconds per fuzz target (default 8)
#   JOBS           parallel build jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-8}
start=$SECONDS

step() { printf '\n=== %s (%ds)\n' "$1" $((SECONDS - start)); }
log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0

step "bootstrap"
bash scripts/bootstrap.sh

for preset in release asan; do
  step "configure + build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  step "tests: $preset"
  ctest --preset "$preset" -j "$jobs" | tee "$log_dir/ctest-$preset.log"
  count=$(grep -Eo 'tests passed, 0 tests failed out of [0-9]+' "$log_dir/ctest-$preset.log" | grep -Eo '[0-9]+$')
  [[ -n $count && $count -gt 0 ]] || { echo "test.sh: no tests ran for $preset" >&2; exit 1; }
  passed=$((passed + count))
  if [[ $preset == release ]]; then
    step "drivers: python, go, node against build/release's cqlsim"
    bash scripts/drivers.sh build/release | tee "$log_dir/drivers.log"
    drivers=$(grep -Eo '^[0-9]+ passed, 0 failed$' "$log_dir/drivers.log" | tail -n 1 | grep -Eo '^[0-9]+')
    [[ -n $drivers && $drivers -gt 0 ]] || { echo "test.sh: no driver tests ran" >&2; exit 1; }
    passed=$((passed + drivers))
  fi
  if [[ $preset == asan ]]; then
    # The proxy's integration tests again, with the sanitized proxy between the real Python
    # driver and two (release) cqlsim clusters.
    step "drivers: python proxy tests through build/asan's cqlshift"
    log=$log_dir/drivers-proxy-asan.log
    CQLSHIFT=$PWD/build/asan/bin/cqlshift CQLSIM=$PWD/build/release/bin/cqlsim \
      DRIVER_TEST_ROWS=${ASAN_DRIVER_TEST_ROWS:-2000} \
      timeout --kill-after=30 900 /usr/bin/python3 -m pytest -o console_output_style=classic \
      tests/drivers/python -k proxy 2>&1 | tee "$log"
    summary=$(tail -n 1 "$log")
    proxy_passed=$(grep -Eo '[0-9]+ passed' <<<"$summary" | grep -Eo '^[0-9]+' || true)
    if [[ -z $proxy_passed || $summary =~ (failed|error) ]]; then
      echo "test.sh: the proxy tests under asan failed: $summary" >&2
      exit 1
    fi
    passed=$((passed + proxy_passed))
  fi
done

step "fuzz: build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

step "fuzz: ${fuzz_seconds}s per target"
bash scripts/fuzz.sh --seconds "$fuzz_seconds" | tee "$log_dir/fuzz.log"
fuzzers=$(grep -Eo '^[0-9]+ passed, 0 failed' "$log_dir/fuzz.log" | grep -Eo '^[0-9]+')
passed=$((passed + fuzzers))

step "all tiers passed"
echo "$passed passed, 0 failed"
