#!/usr/bin/env bash
# Measures what cqlshift costs against a direct connection and a plain TCP relay (haproxy),
# and writes docs/benchmarks.md: see bench/run.py for what is measured. Not part of CI's
# pass/fail (scripts/test.sh runs a short smoke of cqlshift-bench instead).
#   bench/run.sh [run.py options: --duration 10 --rounds 3 --rate 5000 --idle 10000 ...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
if ! command -v haproxy >/dev/null; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends haproxy
fi
cmake --preset release >/dev/null
cmake --build --preset release --target cqlsim cqlshift cqlshift-bench
exec /usr/bin/python3 bench/run.py "$@"
