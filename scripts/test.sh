#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: installs the Debian
# packages, builds, and runs ctest (unit tests, the corpus through the CLI and
# through the real clang-tidy with the plugin, bad-input tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"${JOBS:-2}"
