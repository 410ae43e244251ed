#!/usr/bin/env bash
# Builds $DIST/upgrade/os.tar: a second OS version of the same build, corralos/os:$VERSION-b (UPGRADE_VERSION), that
# the upgrade end-to-end test (tests/Install.Tests/UpgradeEndToEndTests) upgrades to from $VERSION and back; and
# $DIST/upgrade/os-broken.tar, corralos/os:$VERSION-broken, whose initrd's /init is a script that exits (the kernel
# panics, GRUB must fall back by itself) and whose other files are stand-ins.
# ros reads its running version from the os-release the build writes (src/Config/SystemEnvironment.cs), so B needs
# no second `dotnet publish`: it is `make`'s own OS image target run again with VERSION=B in a work directory of its
# own, with A's ros and kernel put there first (make then rebuilds everything after them: the system images, tagged
# B, the initrd and every other images/os/files.list entry the Makefile builds, and the OS image). The clone's out/
# and dist/ are only read (out/sysroot and out/modules are linked). B's initrd is compressed faster than dist/initrd
# (lz4 -1): it only has to boot in the test.
# Also $DIST/upgrade/os-console-debian.tar: A's persistent Debian console image ($DIST/consoles) tagged
# corralos/os-console-debian:$UPGRADE_VERSION, B's console image for `ros os upgrade --upgrade-console` (same source,
# another version string; only manifest.json differs, so it is remade each run: an untar and a tar, no cache).
# Cached in $CACHE/upgrade-os/<key>/, the key being a hash of every input: A's ros and kernel, the build scripts,
# image recipes and Makefile (file contents), and B's version; a hit costs the hash and a copy. The two newest keys
# are kept.
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
CACHE=${CACHE:-/var/cache/corralos}
MAKE=${MAKE:-make}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
UPGRADE_VERSION=${UPGRADE_VERSION:-$VERSION-b}
BROKEN_VERSION=${BROKEN_VERSION:-$VERSION-broken}
UPGRADE_OS=${UPGRADE_OS:-$DIST/upgrade/os.tar}
BROKEN_OS=${BROKEN_OS:-$(dirname "$UPGRADE_OS")/os-broken.tar}
UPGRADE_CONSOLE=${UPGRADE_CONSOLE:-$(dirname "$UPGRADE_OS")/os-console-debian.tar}
for v in OUT DIST CACHE UPGRADE_OS BROKEN_OS UPGRADE_CONSOLE; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
# B's own timestamps: fixed, so a commit that changes no input keeps the cache entry.
export SOURCE_DATE_EPOCH=1764000000
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

for f in ros vmlinuz consoles/os-console-debian.tar; do
  [[ -s $DIST/$f ]] || { echo "upgrade-os: no $DIST/$f (run 'make')" >&2; exit 1; }
done

key=$(
  cd "$ROOT"
  {
    echo "version $UPGRADE_VERSION $BROKEN_VERSION"
    find images build -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum VERSION Makefile
    sha256sum <"$DIST/ros"
    sha256sum <"$DIST/vmlinuz"
  } | sha256sum | cut -c1-16
)
entry=$CACHE/upgrade-os/$key
if [[ -s $entry/os.tar && -s $entry/os-broken.tar ]]; then
  echo "upgrade-os: corralos/os:$UPGRADE_VERSION and :$BROKEN_VERSION from the cache ($entry)"
else
  echo "upgrade-os: building corralos/os:$UPGRADE_VERSION from $DIST/ros (cache key $key)"
  mkdir -p "$CACHE"
  work=$(mktemp -d "$CACHE/upgrade-os.work.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/dist" "$work/out"
  # A's outputs, newer than their inputs, so make keeps them; the sysroot and modules are only read.
  cp "$DIST/ros" "$DIST/vmlinuz" "$work/dist/"
  touch "$work/dist/ros" "$work/dist/vmlinuz"
  ln -s "$OUT/sysroot" "$work/out/sysroot"
  ln -s "$OUT/modules" "$work/out/modules"
  INITRD_COMPRESSOR="lz4 -l -1 -q -c" "$MAKE" -C "$ROOT" --no-print-directory \
    OUT="$work/out" DIST="$work/dist" VERSION="$UPGRADE_VERSION" SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" \
    "$work/dist/images/os.tar"

  # The broken version: B's files but an initrd whose /init (busybox sh) says so and exits.
  broken=$work/broken-initrd
  mkdir -p "$broken/bin"
  install -m 0755 "$OUT/sysroot/bin/busybox" "$broken/bin/busybox"
  printf '#!/bin/busybox sh\necho "init: CorralOS %s is a deliberately broken version: its init exits"\nexit 1\n' \
    "$BROKEN_VERSION" >"$broken/init"
  chmod 0755 "$broken/init"
  make_console "$broken"
  write_cpio "$broken" "$work/broken.initrd" zstd -q -3 -T0 --no-progress -c
  # Its other files (images/os/files.list, e.g. system-images) are small stand-ins: it never gets past its init, and
  # the test pulls it in less time. os-image.sh takes a file NAME from the variable named like it (SYSTEM_IMAGES).
  stand_ins=()
  while read -r name; do
    [[ $name == vmlinuz || $name == initrd ]] && continue
    var=${name^^}
    printf 'a stand-in: CorralOS %s never gets past its init\n' "$BROKEN_VERSION" >"$work/broken.$name"
    stand_ins+=("${var//[^A-Z0-9]/_}=$work/broken.$name")
  done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$ROOT/images/os/files.list" | sed '/^$/d')
  env "${stand_ins[@]}" VERSION="$BROKEN_VERSION" OUT="$work/out" DIST="$work/dist" INITRD="$work/broken.initrd" \
    STAGE="$work/out/os-image-broken" OS_IMAGE="$work/os-broken.tar" "$ROOT/build/os-image.sh"

  mkdir -p "$entry.new"
  mv "$work/dist/images/os.tar" "$entry.new/os.tar"
  mv "$work/os-broken.tar" "$entry.new/os-broken.tar"
  rm -rf "$entry"
  mv "$entry.new" "$entry"
  # Older keys go; the newest two stay (a branch and main side by side).
  find "$CACHE/upgrade-os" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
    while read -r old; do rm -rf "$old"; done
fi
for pair in "os.tar:$UPGRADE_OS" "os-broken.tar:$BROKEN_OS"; do
  target=${pair#*:}
  mkdir -p "$(dirname "$target")"
  cp "$entry/${pair%%:*}" "$target.tmp"
  mv "$target.tmp" "$target"
  echo "upgrade-os: $target ($(tar -xOf "$target" manifest.json | jq -r '.[0].RepoTags[0]'), $(stat -c %s "$target") bytes)"
done

# B's console: A's archive with B's tag in manifest.json (written first, as docker save does); the blobs are A's.
console_work=$(mktemp -d "${TMPDIR:-/tmp}/upgrade-console.XXXXXX")
tar -xf "$DIST/consoles/os-console-debian.tar" -C "$console_work"
jq -c --arg tag "corralos/os-console-debian:$UPGRADE_VERSION" '[.[] | .RepoTags = [$tag]]' "$console_work/manifest.json" >"$console_work/manifest.json.new"
mv "$console_work/manifest.json.new" "$console_work/manifest.json"
mkdir -p "$(dirname "$UPGRADE_CONSOLE")"
(cd "$console_work" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -cf "$UPGRADE_CONSOLE.tmp" manifest.json blobs)
rm -rf "$console_work"
mv "$UPGRADE_CONSOLE.tmp" "$UPGRADE_CONSOLE"
echo "upgrade-os: $UPGRADE_CONSOLE (corralos/os-console-debian:$UPGRADE_VERSION, $(stat -c %s "$UPGRADE_CONSOLE") bytes)"
