#!/usr/bin/env bash
# Installs every Debian package the build and the test tiers need. Idempotent: when all are
# present it only runs dpkg-query and returns in well under a second.
set -euo pipefail

packages=(
  # toolchain
  build-essential g++ cmake ninja-build pkg-config git
  # libraries (DESIGN.md, "Stack")
  libboost1.81-dev libboost-system1.81-dev libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  prometheus-cpp-dev libcli11-dev liblz4-dev libsnappy-dev zlib1g-dev
  # TLS tests: certificates are made with the openssl command line
  openssl
  # unit tests
  libgtest-dev libgmock-dev
  # fuzzing: clang with libFuzzer and the sanitizer runtimes
  clang libclang-rt-14-dev
  # driver tier and the captured-frame tooling: the DataStax Python driver
  python3 python3-cassandra python3-pytest python3-lz4 python3-snappy
  # driver tier: gocql, built offline in GOPATH mode (tests/drivers/README.md)
  golang-go golang-github-gocql-gocql-dev
)
# driver tier: the Node.js driver comes from npm (tests/drivers/node/package-lock.json); a
# node and npm already on PATH (nvm, NodeSource, ...) are used as they are.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages present"
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install packages" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
