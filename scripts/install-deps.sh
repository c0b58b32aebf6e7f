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
  # the real API headers the corpus compiles against
  libpqxx-dev libmariadb-dev unixodbc-dev qtbase5-dev qt6-base-dev libsoci-dev libboost-dev libpoco-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
