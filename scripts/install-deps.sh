#!/usr/bin/env bash
# Installs the Debian packages sqlrace needs to build and test.
# SQLRACE_LLVM_VERSION selects the LLVM/Clang major (default 14).
set -euo pipefail
V="${SQLRACE_LLVM_VERSION:-14}"
PACKAGES=(
  cmake make g++ ccache pkg-config python3
  "llvm-$V-dev" "libclang-$V-dev" "libclang-cpp$V-dev" "libclang-common-$V-dev" "clang-tidy-$V"
  "clang-$V" "libclang-rt-$V-dev"   # the benchmark's floor, and libFuzzer for scripts/fuzz.sh
  libpg-query-dev libprotobuf-c-dev
  libgtest-dev libbenchmark-dev
  libpq-dev libsqlite3-dev pre-commit git
  postgresql   # the server (initdb, postgres) and psql for the live tests (test-corpus/live)
  # the real API headers the corpus compiles against
  libpqxx-dev libmariadb-dev unixodbc-dev qtbase5-dev qt6-base-dev libsoci-dev libboost-dev libpoco-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF Multitool (npm) validates the SARIF output in the tests.
NPM_PREFIX="${XDG_CACHE_HOME:-$HOME/.cache}/sqlrace-npm"
if [ ! -x "$NPM_PREFIX/node_modules/.bin/sarif-multitool" ]; then
  if command -v npm > /dev/null 2>&1; then
    echo "install-deps: installing @microsoft/sarif-multitool into $NPM_PREFIX"
    mkdir -p "$NPM_PREFIX"
    npm install --silent --prefix "$NPM_PREFIX" @microsoft/sarif-multitool > /dev/null 2>&1 ||
      echo "install-deps: could not install the SARIF Multitool; its test will not run"
  else
    echo "install-deps: npm not found; the SARIF validation test will not run"
  fi
fi
