#!/usr/bin/env bash
# `make bench`: sizes of dist/ artifacts and boot times (direct kernel boot, median of BENCH_RUNS runs, default 5)
# next to a floor measured in the same run: the same kernel with a busybox-only initrd whose /init prints
# `FLOOR booted` and powers off ($OUT/bench/floor-initrd, built by `make floor-initrd`). Figures only, no assertions.
set -euo pipefail
cd "$(dirname "$0")/.."
DOTNET=${DOTNET:-dotnet}
OUT=${OUT:-out}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
floor=$OUT/bench/floor-initrd
if make -n floor-initrd >/dev/null 2>&1; then
  make --no-print-directory floor-initrd
elif [[ -x build/floor-initrd.sh ]]; then
  build/floor-initrd.sh
fi
"$DOTNET" build tools/Bench/CorralOS.Bench.csproj -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
dll=$("$DOTNET" msbuild tools/Bench/CorralOS.Bench.csproj -nologo -getProperty:TargetPath -p:Configuration=Release | tail -1)
export CORRALOS_TEST_DIR=${CORRALOS_TEST_DIR:-$PWD/artifacts/bench-vms}
rm -rf "$PWD/artifacts/bench-vms"
exec "$DOTNET" "$dll" --runs "${BENCH_RUNS:-5}" --floor-initrd "$floor"
