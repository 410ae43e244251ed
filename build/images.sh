#!/usr/bin/env bash
# Builds the system images (images/system/*, see images/system/README.md) into $DIST/images/<name>.tar:
# `docker save` archives (manifest.json + blobs/sha256), each image os-base's layer plus one of its own, made from
# files of the Debian sysroot and the recipe's rootfs/. No Docker daemon is involved.
# Reproducible: same inputs + SOURCE_DATE_EPOCH give the same bytes (sorted tar entries, fixed mtimes, owner 0:0).
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
SYSROOT=${SYSROOT:-$OUT/sysroot}
ROS_BIN=${ROS_BIN:-$DIST/ros}
RECIPES=${RECIPES:-$ROOT/images/system}
STAGE=${STAGE:-$OUT/images}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
for v in OUT DIST SYSROOT ROS_BIN RECIPES STAGE; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
export SOURCE_DATE_EPOCH
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

[[ -x $ROS_BIN ]] || { echo "images: no ros binary at $ROS_BIN (run 'make ros' or set ROS_BIN)" >&2; exit 1; }
[[ -x $SYSROOT/bin/busybox ]] || { echo "images: no Debian sysroot at $SYSROOT (run build/fetch-debs.sh)" >&2; exit 1; }
command -v jq >/dev/null || { echo "images: jq is missing (make deps)" >&2; exit 1; }
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

# stage_layer NAME: fills $STAGE/NAME/rootfs with the recipe's files, their libraries and rootfs/.
stage_layer() {
  local name=$1 recipe=$RECIPES/$1 rel lib soname elves=() mode path
  local FILES=() DLOPEN=() MODES=() CONFIG='' COMPRESS='' LOAD=''
  # shellcheck source=/dev/null
  . "$recipe/image.sh"
  rm -rf "$STAGE/$name"
  mkdir -p "$STAGE/$name/rootfs"
  cd "$STAGE/$name/rootfs"
  if [[ -d $recipe/rootfs ]]; then cp -a "$recipe/rootfs/." .; fi
  for rel in "${FILES[@]}"; do
    if [[ -d $SYSROOT/$rel && ! -L $SYSROOT/$rel ]]; then
      mkdir -p "$(dirname "$rel")"
      cp -a "$SYSROOT/$rel" "$rel"
    else
      copy_from_sysroot "$rel" >/dev/null
    fi
  done
  if [[ $name == os-base ]]; then
    # ros is bind-mounted into every container at run time: the base carries what it links against.
    mapfile -t -O "${#DLOPEN[@]}" DLOPEN < <(readelf -dW "$ROS_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  fi
  for soname in "${DLOPEN[@]}"; do
    lib=$(find_lib "$soname") || { echo "images: $soname ($name) not in the sysroot" >&2; return 1; }
    copy_from_sysroot "$lib" >/dev/null
  done
  for mode in "${MODES[@]}"; do
    path=${mode#* }
    chmod "${mode%% *}" "$path"
  done
  mapfile -t elves < <(find . -type f -perm /111 -printf '%P\n' | LC_ALL=C sort)
  mapfile -t -O "${#elves[@]}" elves < <(find . -type f -name '*.so*' -printf '%P\n' | LC_ALL=C sort)
  elf_closure "${elves[@]}"
  printf '%s' "$CONFIG" >"$STAGE/$name/config.json"
  printf '%s' "$COMPRESS" >"$STAGE/$name/compress"
  cd - >/dev/null
}

# base_links: busybox applets in /bin, `ros` applets in /usr/bin (ros itself is bind-mounted at run time).
base_links() {
  local root=$STAGE/os-base/rootfs applet
  mkdir -p "$root"/{usr/bin,usr/sbin,sbin,proc,sys,dev,run,tmp,var/log,var/lib,root,home,mnt,media,opt}
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
  ln -sfn ../run "$root/var/run"
  declare -A ros_has=()
  while read -r applet; do
    [[ $applet =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ && $applet != ros ]] || continue
    ros_has[$applet]=1
    ln -s ros "$root/usr/bin/$applet"
  done < <("$ROS_BIN" --list-applets)
  while read -r applet; do
    [[ $applet == busybox || -n ${ros_has[$applet]:-} ]] && continue
    ln -s busybox "$root/bin/$applet"
  done < <("$SYSROOT/bin/busybox" --list)
  write_os_release "$root/etc/os-release" "$VERSION"
}

# write_image NAME LAYER...: the archive $DIST/images/NAME.tar for corralos/NAME:$VERSION. A LAYER is the hex of
# the layer tar (its diff_id, the blob too), or DIFF_HEX=BLOB_HEX for a compressed blob of that tar.
write_image() {
  local name=$1 archive=$STAGE/$1/archive layer hex config_hex diff_ids layers tmp
  shift
  rm -rf "$archive"
  mkdir -p "$archive/blobs/sha256"
  for layer in "$@"; do hex=${layer#*=}; cp "$STAGE/layers/$hex" "$archive/blobs/sha256/$hex"; done
  diff_ids=$(for layer in "$@"; do printf '"sha256:%s"\n' "${layer%%=*}"; done | jq -s -c .)
  layers=$(for layer in "$@"; do printf '"blobs/sha256/%s"\n' "${layer#*=}"; done | jq -s -c .)
  jq -c -n --argjson config "$(cat "$STAGE/$name/config.json")" --argjson diff_ids "$diff_ids" \
    --arg created "$created" --arg name "$name" \
    '{architecture: "amd64", os: "linux", created: $created, config: $config,
      rootfs: {type: "layers", diff_ids: $diff_ids},
      history: [$diff_ids[] | {created: $created, created_by: ("build/images.sh " + $name)}]}' >"$STAGE/$name/image-config.json"
  config_hex=$(add_blob "$STAGE/$name/image-config.json" "$archive")
  jq -c -n --arg config "blobs/sha256/$config_hex" --arg tag "corralos/$name:$VERSION" --argjson layers "$layers" \
    '[{Config: $config, RepoTags: [$tag], Layers: $layers}]' >"$archive/manifest.json"
  mkdir -p "$DIST/images"
  tmp=$(mktemp "$DIST/images/.$name.tar.XXXXXX")
  layer_tar "$archive" "$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$DIST/images/$name.tar"
  echo "images: corralos/$name:$VERSION $(stat -c %s "$DIST/images/$name.tar") bytes ($# layers)"
}

rm -rf "$STAGE"
mkdir -p "$STAGE/layers" "$DIST/images"
rm -f "$DIST"/images/*.tar

stage_layer os-base
base_links
layer_tar "$STAGE/os-base/rootfs" "$STAGE/layers/base.tar"
base_hex=$(add_blob "$STAGE/layers/base.tar" "$STAGE/layers")
mv "$STAGE/layers/blobs/sha256/$base_hex" "$STAGE/layers/$base_hex"
write_image os-base "$base_hex"

for recipe in "$RECIPES"/*/; do
  name=$(basename "$recipe")
  [[ $name == os-base ]] && continue
  LOWER_ROOT=$STAGE/os-base/rootfs stage_layer "$name"
  layer_tar "$STAGE/$name/rootfs" "$STAGE/layers/$name.tar"
  hex=$(add_blob "$STAGE/layers/$name.tar" "$STAGE/layers")
  mv "$STAGE/layers/blobs/sha256/$hex" "$STAGE/layers/$hex"
  layer=$hex
  if [[ $(cat "$STAGE/$name/compress") == gzip ]]; then
    # Deterministic: no name or timestamp in the header.
    gzip -n -9 -c "$STAGE/layers/$hex" >"$STAGE/layers/$name.tar.gz"
    blob_hex=$(add_blob "$STAGE/layers/$name.tar.gz" "$STAGE/layers")
    mv "$STAGE/layers/blobs/sha256/$blob_hex" "$STAGE/layers/$blob_hex"
    layer=$hex=$blob_hex
  fi
  write_image "$name" "$base_hex" "$layer"
done
