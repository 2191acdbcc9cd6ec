#!/usr/bin/env bash
# Runs every test tier: bootstrap; the release binaries (cqlsim, cqlshift, cqlshift-bench) and
# the driver tiers against them (scripts/drivers.sh: cqlsim directly and through the proxy),
# short runs of the benchmarks so they cannot rot; the demo; the asan build with
# every ctest test (unit tests of all modules, ASan+UBSan) and the proxy's Python integration
# tests through the asan cqlshift; each libFuzzer target for a bounded time. Exits non-zero on
# the first failure. (Unit tests run once, under the sanitizers: compiling them a second time
# at -O2 would add a third to the run on CI's two cores and find nothing the sanitizers miss.)
#   FUZZ_SECONDS   seconds per fuzz target (default 6)
#   JOBS           parallel build jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-6}
start=$SECONDS

step() { printf '\n=== %s (%ds)\n' "$1" $((SECONDS - start)); }
log_dir=build/test-logs
mkdir -p "$log_dir"
passed=0

step "bootstrap"
bash scripts/bootstrap.sh

step "configure + build: release binaries (cqlsim, cqlshift, cqlshift-bench)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs" --target cqlsim cqlshift cqlshift-bench

step "drivers: python, go, node against build/release's cqlsim and cqlshift"
bash scripts/drivers.sh build/release | tee "$log_dir/drivers.log"
drivers=$(grep -Eo '^[0-9]+ passed, 0 failed$' "$log_dir/drivers.log" | tail -n 1 | grep -Eo '^[0-9]+')
[[ -n $drivers && $drivers -gt 0 ]] || { echo "test.sh: no driver tests ran" >&2; exit 1; }
passed=$((passed + drivers))

# Not a measurement (CI machines are shared): a short run so the benchmark cannot rot; it
# fails when a shadow read does not compare equal.
step "bench smoke: bench/shadow_reads.py (1 round)"
/usr/bin/python3 bench/shadow_reads.py --rounds 1 --reads 200 | tee "$log_dir/bench-shadow.log"

step "bench smoke: cqlshift-bench straight at cqlsim and through cqlshift"
/usr/bin/python3 bench/bench_smoke.py --seconds 2 | tee "$log_dir/bench-smoke.log"

step "demo: scripts/demo/proxy_demo.py (the README's first command, after its build)"
/usr/bin/python3 scripts/demo/proxy_demo.py build/release | tee "$log_dir/demo.log"
passed=$((passed + 1))

step "configure + build: asan"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"

step "tests: asan (every ctest test)"
ctest --preset asan -j "$jobs" | tee "$log_dir/ctest-asan.log"
count=$(grep -Eo 'tests passed, 0 tests failed out of [0-9]+' "$log_dir/ctest-asan.log" | grep -Eo '[0-9]+$')
[[ -n $count && $count -gt 0 ]] || { echo "test.sh: no ctest tests ran" >&2; exit 1; }
passed=$((passed + count))

# The proxy's integration tests again, with the sanitized proxy between the real Python driver
# and two (release) cqlsim clusters.
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

step "fuzz: build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

step "fuzz: ${fuzz_seconds}s per target"
bash scripts/fuzz.sh --seconds "$fuzz_seconds" | tee "$log_dir/fuzz.log"
fuzzers=$(grep -Eo '^[0-9]+ passed, 0 failed' "$log_dir/fuzz.log" | grep -Eo '^[0-9]+')
passed=$((passed + fuzzers))

step "all tiers passed"
echo "$passed passed, 0 failed"
