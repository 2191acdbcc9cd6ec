#!/usr/bin/env bash
# The demo. Today cqlshift has its protocol codec, not yet the proxy: so the demo replays a
# real DataStax Python driver session (protocol v5, LZ4 segments; captured as described in
# tests/data/captures/README.md) through the codec and prints every frame as the proxy will
# read it. The full demo (two in-memory clusters, the proxy, a workload and a routing flip)
# replaces this when cqlsim and the proxy land.
#   scripts/demo.sh [SCENARIO]     scenarios: python-v3, python-v4-lz4, python-v5-auth, ...
set -euo pipefail
cd "$(dirname "$0")/.."

scenario=${1:-python-v5-lz4}
bash scripts/bootstrap.sh >/dev/null
cmake --preset release >/dev/null
cmake --build --preset release --target capture_dump cqlshift >/dev/null

echo "== $(build/release/bin/cqlshift --version)"
echo "== a real driver session ($scenario), decoded frame by frame:"
build/release/bin/capture_dump "$scenario"
