#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (unit, integration, end-to-end,
# robustness over ../shared/data). Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
OMP_THREAD_LIMIT=1 ctest --output-on-failure -j"${TEST_JOBS:-2}" "$@"
