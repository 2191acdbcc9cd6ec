#!/usr/bin/env bash
# Runs every test tier: bootstrap, release build + all ctest tests, the asan preset's tests,
# and each libFuzzer target for a bounded time. Exits non-zero on the first failure.
#   FUZZ_SECONDS   seconds per fuzz target (default 8)
#   JOBS           parallel build jobs (default: number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-8}
start=$SECONDS

step() { printf '\n=== %s (%ds)\n' "$1" $((SECONDS - start)); }

step "bootstrap"
bash scripts/bootstrap.sh

for preset in release asan; do
  step "configure + build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  step "tests: $preset"
  ctest --preset "$preset" -j "$jobs"
done

step "fuzz: build"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

step "fuzz: ${fuzz_seconds}s per target"
bash scripts/fuzz.sh --seconds "$fuzz_seconds"

step "all tiers passed"
