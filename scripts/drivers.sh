#!/usr/bin/env bash
# Runs the driver tiers (tests/drivers/README.md) against a build's cqlsim: the DataStax Python
# driver (pytest), gocql and the DataStax Node.js driver (go and node also through cqlshift,
# the proxy, in front of two cqlsim clusters). Each tier prints
# "<tier>: N passed, M failed"; the last line is the total, "N passed, M failed".
# Exits non-zero when a test fails or when a tier cannot run (no go, node or npm, a build or
# `npm ci` failure, no result line): a tier is never skipped.
#   scripts/drivers.sh [BUILD_DIR]   default build/release; runs BUILD_DIR/bin/cqlsim and
#                                    BUILD_DIR/bin/cqlshift
#   TIERS="python go node"           the tiers to run (default all three)
#   TIER_TIMEOUT                     seconds per tier before it is stopped (default 900)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

build=${1:-build/release}
tiers=${TIERS:-python go node}
tier_timeout=${TIER_TIMEOUT:-900}
log_dir=build/test-logs
mkdir -p "$log_dir"

cqlsim=$(realpath -m "$build/bin/cqlsim")
if [[ ! -x $cqlsim ]]; then
  echo "drivers.sh: no cqlsim binary at $cqlsim (build the cqlsim target first)" >&2
  exit 1
fi
export CQLSIM=$cqlsim
# The go and node tiers also run their flows through the proxy (cqlshift in front of two cqlsim
# clusters).
cqlshift=$(realpath -m "$build/bin/cqlshift")
if [[ ! -x $cqlshift ]]; then
  echo "drivers.sh: no cqlshift binary at $cqlshift (build the cqlshift target first)" >&2
  exit 1
fi
export CQLSHIFT=$cqlshift

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

total_passed=0
total_failed=0
broken=()

# record TIER LOG STATUS PASSED FAILED: adds a tier's counts; a tier that exited non-zero
# without reporting a failed test could not run properly.
record() {
  local tier=$1 log=$2 status=$3 passed=$4 failed=$5
  echo "$tier: $passed passed, $failed failed (log: $log)"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if ((status != 0 && failed == 0)) || ((passed + failed == 0)); then
    broken+=("$tier (exit status $status)")
  fi
}

# counts LOG: "PASSED FAILED" from a tier's final "N passed, M failed" line.
counts() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
  [[ -n $line ]] || { echo "0 0"; return; }
  echo "$line" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/'
}

run_python() {
  local log=$log_dir/drivers-python.log status summary passed failed
  echo "=== python: DataStax Python driver $(/usr/bin/python3 -c \
    'import cassandra; print(cassandra.__version__)' 2>&1)"
  # /usr/bin/python3: Debian's python3-cassandra is not visible to other interpreters on PATH.
  timeout --kill-after=30 "$tier_timeout" /usr/bin/python3 -m pytest \
    -o console_output_style=classic tests/drivers/python 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  # pytest's summary: "== 40 passed, 1 failed, 2 errors, 3 warnings in 99.1s =="
  summary=$(tail -n 1 "$log")
  passed=$(grep -Eo '[0-9]+ passed' <<<"$summary" | awk '{s += $1} END {print s + 0}')
  failed=$(grep -Eo '[0-9]+ (failed|errors?)' <<<"$summary" | awk '{s += $1} END {print s + 0}')
  record python "$log" "$status" "$passed" "$failed"
}

run_go() {
  local log=$log_dir/drivers-go.log status
  if ! command -v go >/dev/null; then
    echo "drivers.sh: go not found (scripts/bootstrap.sh installs golang-go)" | tee "$log" >&2
    record go "$log" 1 0 0
    return
  fi
  echo "=== go: gocql (GOPATH /usr/share/gocode), $(go version)"
  # Offline, GOPATH mode, against Debian's golang-github-gocql-gocql-dev.
  if ! (cd tests/drivers/go && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' \
    GOCACHE="$work/go-cache" go build -o "$work/gocql_flow" .) >"$log" 2>&1; then
    cat "$log" >&2
    echo "drivers.sh: the gocql program does not build" >&2
    record go "$log" 1 0 0
    return
  fi
  timeout --kill-after=30 "$tier_timeout" "$work/gocql_flow" -cqlsim "$cqlsim" \
    -cqlshift "$cqlshift" 2>&1 |
    tee -a "$log"
  status=${PIPESTATUS[0]}
  # shellcheck disable=SC2046
  record go "$log" "$status" $(counts "$log")
}

run_node() {
  local log=$log_dir/drivers-node.log status
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "drivers.sh: node or npm not found (scripts/bootstrap.sh installs them)" |
      tee "$log" >&2
    record node "$log" 1 0 0
    return
  fi
  echo "=== node: DataStax Node.js driver (package-lock.json), node $(node --version)"
  if ! (cd tests/drivers/node && npm ci --no-audit --no-fund) >"$log" 2>&1; then
    cat "$log" >&2
    echo "drivers.sh: npm ci failed in tests/drivers/node" >&2
    record node "$log" 1 0 0
    return
  fi
  timeout --kill-after=30 "$tier_timeout" node tests/drivers/node/flow.js 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
  # shellcheck disable=SC2046
  record node "$log" "$status" $(counts "$log")
}

for tier in $tiers; do
  case $tier in
    python) run_python ;;
    go) run_go ;;
    node) run_node ;;
    *)
      echo "drivers.sh: unknown tier $tier" >&2
      broken+=("$tier (unknown)")
      ;;
  esac
done

echo
if ((${#broken[@]} > 0)); then
  echo "drivers.sh: tiers that could not run or report: ${broken[*]}" >&2
fi
echo "$total_passed passed, $total_failed failed"
((total_failed == 0 && ${#broken[@]} == 0))
