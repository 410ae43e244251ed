#!/usr/bin/env bash
# The benchmark floor ($OUT/bench/floor-initrd): the same kernel with a busybox-only initrd whose
# /init prints "FLOOR booted" and powers off at once. `make bench` boots it next to the real
# image, so the figures show what CorralOS adds on top of kernel + initrd unpacking.
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
SYSROOT=${SYSROOT:-$OUT/sysroot}
FLOOR_INITRD=${FLOOR_INITRD:-$OUT/bench/floor-initrd}
STAGE=${STAGE:-$OUT/floor-root}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
# Absolute paths: make passes relative ones (OUT=out) and this script changes directory.
for v in OUT SYSROOT FLOOR_INITRD STAGE; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
export SOURCE_DATE_EPOCH
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

[[ -x $SYSROOT/bin/busybox ]] || OUT="$OUT" SYSROOT="$SYSROOT" "$ROOT/build/fetch-debs.sh"
configs=("$SYSROOT"/boot/config-*)

rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
install -m 0755 "$SYSROOT/bin/busybox" "$STAGE/bin/busybox"
# No mounts: echo needs only the console the kernel opened, and poweroff -f calls reboot(2) directly.
cat >"$STAGE/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox echo "FLOOR booted"
/bin/busybox poweroff -f
INIT
chmod 0755 "$STAGE/init"
make_console "$STAGE"

mkdir -p "$(dirname "$FLOOR_INITRD")"
read -ra compressor <<<"$(initrd_compressor "${configs[0]}")"
write_cpio "$STAGE" "$FLOOR_INITRD" "${compressor[@]}"
