#!/usr/bin/env bash
# `make bench`: sizes of dist/ artifacts and boot times (direct kernel boot, median of BENCH_RUNS runs, default 5)
# next to a floor measured in the same run: the same kernel with a busybox-only initrd whose /init prints
# `FLOOR booted` and powers off ($OUT/bench/floor-initrd, built by `make floor-initrd`); then the boot to SSH section
# below. Figures only, no assertions. The artifacts measured are $CORRALOS_DIST's, else $DIST's (default dist/), as the
# tests read them: `CORRALOS_DIST=/some/dist OUT=/some/out build/bench.sh` measures another tree's build as it is
# (nothing is made then, make would rebuild that dist from this tree's sources; the floor is built only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
DOTNET=${DOTNET:-dotnet}
OUT=${OUT:-out}
given_dist=${CORRALOS_DIST:-}
export CORRALOS_DIST=${CORRALOS_DIST:-${DIST:-dist}}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# The boot goals (issue 5) are software-emulation figures: TCG unless CORRALOS_ACCEL says otherwise (the tests' Auto
# takes KVM whenever /dev/kvm works, and a bench that did so silently would print figures of another kind).
export CORRALOS_ACCEL=${CORRALOS_ACCEL:-tcg}
floor=$OUT/bench/floor-initrd
if ((${BENCH_RUNS:-5} == 0 && ${BENCH_SSH_RUNS:-3} == 0)); then
  : # no section boots the floor
elif [[ -n $given_dist ]]; then
  [[ -f $floor ]] || OUT="$OUT" build/floor-initrd.sh
elif make -n floor-initrd >/dev/null 2>&1; then
  make --no-print-directory floor-initrd
elif [[ -x build/floor-initrd.sh ]]; then
  build/floor-initrd.sh
fi
"$DOTNET" build tools/Bench/CorralOS.Bench.csproj -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
dll=$("$DOTNET" msbuild tools/Bench/CorralOS.Bench.csproj -nologo -getProperty:TargetPath -p:Configuration=Release | tail -1)
export CORRALOS_TEST_DIR=${CORRALOS_TEST_DIR:-$PWD/artifacts/bench-vms}
rm -rf "$PWD/artifacts/bench-vms"
# BENCH_RUNS=0 skips this first section.
if ((${BENCH_RUNS:-5} > 0)); then
  "$DOTNET" "$dll" --runs "${BENCH_RUNS:-5}" --floor-initrd "$floor"
fi

# --- boot to a usable system (issue 5 point 7) ------------------------------------------------------------------
# QEMU start -> `CorralOS <version> started` and -> SSH answering, next to the floor booted in the same loop; the
# guest's memory in use after boot; in the same boot, User Docker (issue 7 point 7: `started` -> `wait-for-docker`
# returning, memory in use with dockerd idle, `docker run --rm` of a busybox image loaded from a tar next to
# `system-docker run --rm` and `docker version`, tools/Bench/UserDockerFigures.cs); the smallest -m that still boots to
# SSH (bisection). tools/Bench/BootToSsh.cs.
# BENCH_SSH_RUNS (default 3) boots each, BENCH_MEMORY_STEPS (default 3) bisection boots; 0 runs skips the section.
bench_boot_to_ssh() {
  ((${BENCH_SSH_RUNS:-3} > 0)) || return 0
  "$DOTNET" "$dll" --boot-to-ssh --runs "${BENCH_SSH_RUNS:-3}" --memory-steps "${BENCH_MEMORY_STEPS:-3}" --floor-initrd "$floor"
}
bench_boot_to_ssh

# --- install and upgrade (issue 8 point 6) ------------------------------------------------------------------------
# One run each (tools/Bench/InstallFigures.cs): `ros install` from the booted ISO onto a blank disk (guest and host
# time, each step's time), the installed disk's first boot to `started`, then `ros os upgrade -f --no-reboot` from
# Debian's docker-registry on 127.0.0.1 through a guestfwd (pull and write split), as tests/Install.Tests does it.
# The upgrade needs the second version B (build/upgrade-os.sh, corralos/os:<version>-b; a cache hit, or 1.5 to 2.5
# min of image, initrd and OS image steps): $CORRALOS_UPGRADE_OS, else built here from $CORRALOS_DIST.
# BENCH_INSTALL=0 skips the section.
bench_install_upgrade() {
  [[ ${BENCH_INSTALL:-1} != 0 ]] || return 0
  local upgrade=${CORRALOS_UPGRADE_OS:-}
  if [[ -z $upgrade ]]; then
    upgrade=$PWD/artifacts/bench-upgrade/os.tar
    DIST=$CORRALOS_DIST OUT=$OUT UPGRADE_OS=$upgrade build/upgrade-os.sh >&2
  fi
  "$DOTNET" "$dll" --install-upgrade --upgrade-os "$upgrade"
}
bench_install_upgrade
