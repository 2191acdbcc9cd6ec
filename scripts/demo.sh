#!/usr/bin/env bash
# The demo: two in-memory clusters (Origin and Target, each a 3-node cqlsim) with cqlshift
# between them (config/demo.yaml), and a small application using the real DataStax Python
# driver through the proxy: schema, writes and reads; both clusters checked directly for the
# same rows; then reads flipped from Origin to Target with a config change and SIGHUP while
# the application keeps running, as /status and /metrics show. Every step checks what it
# says (scripts/demo/proxy_demo.py) and the demo exits non-zero on the first that does not;
# everything it started is stopped.
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh >/dev/null
echo "== building cqlsim and cqlshift (release)"
cmake --preset release >/dev/null
cmake --build --preset release --target cqlsim cqlshift >/dev/null
echo "== the demo"
exec /usr/bin/python3 scripts/demo/proxy_demo.py build/release
