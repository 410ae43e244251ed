#!/usr/bin/env bash
# Builds the persistent consoles (images/consoles/*, docs/console.md) into $DIST/consoles/os-console-<name>.tar:
# `docker save` archives of corralos/os-console-<name>:$VERSION with two layers: a Debian made by
# `debootstrap --variant=minbase` from the mirror apt uses here (build/console-rootfs.sh), and the recipe's rootfs/
# (plus the recipe's SYSROOT_FILES, copied from the Debian sysroot of build/fetch-debs.sh).
# debootstrap takes minutes: that layer (and its gzip) is cached in $CACHE/<KIND> keyed by its inputs
# (console-rootfs.sh, the recipe's image.sh, the mirror), so a fresh clone with a warm cache only wraps it. Not in the
# initrd (too big for RAM): the ISO carries the archives, `ros console switch/enable` copy one to the state disk.
# The engines (images/engines/*, docs/user-docker.md) are built the same way by build/engines.sh: KIND=engines, and
# a recipe's IMAGE names its image (default os-console-<name>).
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
CACHE=${CACHE:-/var/cache/corralos}
KIND=${KIND:-consoles}
RECIPES=${RECIPES:-$ROOT/images/$KIND}
STAGE=${STAGE:-$OUT/$KIND}
SYSROOT=${SYSROOT:-$OUT/sysroot}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
for v in OUT DIST CACHE RECIPES STAGE SYSROOT; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
export SOURCE_DATE_EPOCH MIRROR
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

command -v debootstrap >/dev/null || { echo "consoles: debootstrap is missing (make deps)" >&2; exit 1; }
command -v jq >/dev/null || { echo "consoles: jq is missing (make deps)" >&2; exit 1; }
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# base_layer NAME: the cached debootstrap layer's path, built first when the cache has none for these inputs.
base_layer() {
  local name=$1 key layer
  key=$(cat "$ROOT/build/console-rootfs.sh" "$RECIPES/$name/image.sh" <(echo "$MIRROR") | sha256sum | cut -d' ' -f1)
  layer=$CACHE/$KIND/$name-$key.tar
  if [[ ! -s $layer ]]; then
    WORK=$STAGE/$name/debootstrap "$ROOT/build/console-rootfs.sh" "$RECIPES/$name" "$layer" >&2
  fi
  if [[ ! -s $layer.gz ]]; then
    gzip -n -6 -c "$layer" >"$layer.gz.tmp"
    mv "$layer.gz.tmp" "$layer.gz"
  fi
  echo "$layer"
}

# write_archive NAME BASE: $DIST/consoles/os-console-NAME.tar: BASE stored gzip-compressed (BASE.gz; its diff_id
# stays the plain tar's), then the recipe's rootfs/ (and SYSROOT_FILES, then gzip-compressed too) as a layer.
write_archive() {
  local name=$1 base=$2 archive=$STAGE/$1/archive base_hex base_blob top_hex top_blob config_hex tmp rel CONFIG='' SUITE='' PACKAGES=() SYSROOT_FILES=() IMAGE=''
  # shellcheck source=/dev/null
  . "$RECIPES/$name/image.sh"
  IMAGE=${IMAGE:-os-console-$name}
  rm -rf "$archive" "$STAGE/$name/top"
  mkdir -p "$archive/blobs/sha256" "$STAGE/$name/top"
  base_hex=$(sha256sum "$base" | cut -d' ' -f1)
  base_blob=$(sha256sum "$base.gz" | cut -d' ' -f1)
  cp "$base.gz" "$archive/blobs/sha256/$base_blob"
  if [[ -d $RECIPES/$name/rootfs ]]; then cp -a "$RECIPES/$name/rootfs/." "$STAGE/$name/top/"; fi
  for rel in "${SYSROOT_FILES[@]}"; do
    [[ -f $SYSROOT/$rel ]] || { echo "$KIND: $name: $rel is not in the sysroot $SYSROOT (build/fetch-debs.sh)" >&2; return 1; }
    install -D -m 0755 "$SYSROOT/$rel" "$STAGE/$name/top/$rel"
  done
  layer_tar "$STAGE/$name/top" "$STAGE/$name/top.tar"
  if (( ${#SYSROOT_FILES[@]} )); then
    # Binaries from the sysroot make it big: stored gzip-compressed as the base (no name or time in the header).
    top_hex=$(sha256sum "$STAGE/$name/top.tar" | cut -d' ' -f1)
    gzip -n -6 -c "$STAGE/$name/top.tar" >"$STAGE/$name/top.tar.gz"
    rm "$STAGE/$name/top.tar"
    top_blob=$(add_blob "$STAGE/$name/top.tar.gz" "$archive")
  else
    top_hex=$(add_blob "$STAGE/$name/top.tar" "$archive")
    top_blob=$top_hex
  fi
  jq -c -n --argjson config "$CONFIG" --arg created "$created" --arg base "sha256:$base_hex" --arg top "sha256:$top_hex" --arg name "$name" \
    '{architecture: "amd64", os: "linux", created: $created, config: $config,
      rootfs: {type: "layers", diff_ids: [$base, $top]},
      history: [{created: $created, created_by: ("build/console-rootfs.sh " + $name)}, {created: $created, created_by: ("build/consoles.sh " + $name)}]}' \
    >"$STAGE/$name/image-config.json"
  config_hex=$(add_blob "$STAGE/$name/image-config.json" "$archive")
  jq -c -n --arg config "blobs/sha256/$config_hex" --arg tag "corralos/$IMAGE:$VERSION" \
    --arg base "blobs/sha256/$base_blob" --arg top "blobs/sha256/$top_blob" \
    '[{Config: $config, RepoTags: [$tag], Layers: [$base, $top]}]' >"$archive/manifest.json"
  tmp=$(mktemp "$DIST/$KIND/.$IMAGE.tar.XXXXXX")
  layer_tar "$archive" "$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$DIST/$KIND/$IMAGE.tar"
  rm -rf "$archive" "$STAGE/$name/top"
  echo "$KIND: corralos/$IMAGE:$VERSION $(stat -c %s "$DIST/$KIND/$IMAGE.tar") bytes"
}

mkdir -p "$CACHE/$KIND" "$STAGE" "$DIST/$KIND"
for recipe in "$RECIPES"/*/; do
  name=$(basename "$recipe")
  write_archive "$name" "$(base_layer "$name")"
done
