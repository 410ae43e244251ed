#!/usr/bin/env bash
# Builds $DIST/upgrade/os.tar: a second OS version of the same source, corralos/os:$VERSION-b (UPGRADE_VERSION), that
# the upgrade end-to-end test (tests/Install.Tests/UpgradeEndToEndTests) upgrades to from $VERSION and back. The
# version is compiled into ros, and the system images and the initrd carry it, so B is the real pipeline run again
# with another version: ros published with -p:Version=B, build/images.sh, build/initrd.sh, build/os-image.sh, in a
# work directory of its own (the clone's out/ and artifacts/ are not touched).
# Cached in $CACHE/upgrade-os/<key>/os.tar, the key being a hash of every input: the sources, build scripts and image
# recipes (file contents), the kernel, and B's version; a hit costs the hash and a copy. B's initrd is compressed
# faster than dist/initrd (zstd -3): it only has to boot in the test. The two newest keys are kept.
# UPGRADE_OS_CACHED_ONLY=1: a cache miss builds nothing and exits 3 (`make bench` without BENCH_UPGRADE=1).
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
CACHE=${CACHE:-/var/cache/corralos}
DOTNET=${DOTNET:-dotnet}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
UPGRADE_VERSION=${UPGRADE_VERSION:-$VERSION-b}
UPGRADE_OS=${UPGRADE_OS:-$DIST/upgrade/os.tar}
for v in OUT DIST CACHE UPGRADE_OS; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
# B's own timestamps: fixed, so a commit that changes no input keeps the cache entry.
export SOURCE_DATE_EPOCH=1764000000

[[ -s $DIST/vmlinuz ]] || { echo "upgrade-os: no kernel at $DIST/vmlinuz (run 'make kernel')" >&2; exit 1; }

key=$(
  cd "$ROOT"
  {
    echo "version $UPGRADE_VERSION"
    find src images build -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
    sha256sum Directory.Build.props Directory.Packages.props global.json VERSION Makefile
    sha256sum <"$DIST/vmlinuz"
  } | sha256sum | cut -c1-16
)
entry=$CACHE/upgrade-os/$key
if [[ -s $entry/os.tar ]]; then
  echo "upgrade-os: corralos/os:$UPGRADE_VERSION from the cache ($entry)"
elif [[ ${UPGRADE_OS_CACHED_ONLY:-} == 1 ]]; then
  echo "upgrade-os: corralos/os:$UPGRADE_VERSION is not in the cache (key $key); not building it" >&2
  exit 3
else
  echo "upgrade-os: building corralos/os:$UPGRADE_VERSION (cache key $key)"
  work=$(mktemp -d "$CACHE/upgrade-os.work.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/dist/images"
  "$DOTNET" publish "$ROOT/src/Cli/CorralOS.Cli.csproj" -c Release -r linux-x64 -p:Version="$UPGRADE_VERSION" \
    -p:ArtifactsPath="$work/artifacts" -o "$work/publish" 2>&1 | tee "$work/publish.log"
  if grep -q 'warning IL' "$work/publish.log"; then echo 'upgrade-os: IL/AOT warnings on publish (see above)' >&2; exit 1; fi
  cp "$work/publish/ros" "$work/dist/ros"
  export VERSION=$UPGRADE_VERSION OUT
  kernel=$DIST/vmlinuz
  ROS_BIN=$work/dist/ros DIST=$work/dist STAGE=$work/stage/images "$ROOT/build/images.sh"
  ROS_BIN=$work/dist/ros DIST=$work/dist IMAGES=$work/dist/images INITRD=$work/dist/initrd STAGE=$work/stage/initrd \
    INITRD_COMPRESSOR="zstd -q -3 -T0 --no-progress -c" "$ROOT/build/initrd.sh"
  ROS_BIN=$work/dist/ros DIST=$work/dist VMLINUZ=$kernel INITRD=$work/dist/initrd STAGE=$work/stage/os-image \
    OS_IMAGE=$work/dist/images/os.tar "$ROOT/build/os-image.sh"
  mkdir -p "$entry.new"
  mv "$work/dist/images/os.tar" "$entry.new/os.tar"
  rm -rf "$entry"
  mv "$entry.new" "$entry"
  # Older keys go; the newest two stay (a branch and main side by side).
  find "$CACHE/upgrade-os" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2- |
    while read -r old; do rm -rf "$old"; done
fi
mkdir -p "$(dirname "$UPGRADE_OS")"
cp "$entry/os.tar" "$UPGRADE_OS.tmp"
mv "$UPGRADE_OS.tmp" "$UPGRADE_OS"
echo "upgrade-os: $UPGRADE_OS (corralos/os:$UPGRADE_VERSION, $(stat -c %s "$UPGRADE_OS") bytes)"
