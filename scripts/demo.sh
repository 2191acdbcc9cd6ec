#!/usr/bin/env bash
# The demo. The proxy itself is not built yet (issue 4), so today the demo starts the two
# in-memory clusters it will sit between — Origin and Target, each a 3-node cqlsim — and runs
# a small application with the real DataStax Python driver against them: schema, prepared
# writes, reads, last-write-wins, a lightweight transaction, then fault injection and the
# request log through cqlsim's admin API. It stops everything it started and exits non-zero
# if a step did not do what it says.
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh >/dev/null
echo "== building (release)"
cmake --preset release >/dev/null
cmake --build --preset release --target cqlsim >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# start_cqlsim NAME LINES [OPTION...]: starts a 3-node cqlsim and waits (up to 30 s) for the
# LINES address lines it prints once listening (3 nodes, plus 1 with the admin API).
start_cqlsim() {
  local name=$1 expected=$2; shift 2
  build/release/bin/cqlsim --port 0 --nodes 3 --cluster-name "$name" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 300); do
    [[ $(wc -l <"$work/$name.out") -ge $expected ]] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "demo: $name did not start" >&2; exit 1
}
start_cqlsim origin 3
start_cqlsim target 4 --admin-port 0
origin_port=$(head -n 1 "$work/origin.out" | cut -d: -f2)
target_port=$(head -n 1 "$work/target.out" | cut -d: -f2)
target_admin=$(grep '^admin ' "$work/target.out" | cut -d: -f2)
echo "== Origin listens on $(paste -sd' ' "$work/origin.out")"
echo "== Target listens on $(grep -v '^admin' "$work/target.out" | paste -sd' '), admin API on port $target_admin"

/usr/bin/python3 scripts/demo/cqlsim_demo.py "$origin_port" "$target_port" "$target_admin"
