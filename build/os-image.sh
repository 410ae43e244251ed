#!/usr/bin/env bash
# Builds $DIST/images/os.tar: the OS image corralos/os:$VERSION as a `docker save` archive (images/os/image.sh). Two
# layers: os-base's (taken from $DIST/images/os-base.tar, so System Docker stores it once) and one holding ros, the
# installer's tools from the Debian sysroot and, under /usr/share/ros/os, the files of this OS version
# (images/os/files.list), that list, the version and the boot menu template. `ros install` runs in this image; the ISO
# carries the archive for offline installs and registries serve it for upgrades.
# Reproducible: same inputs + SOURCE_DATE_EPOCH give the same bytes (sorted tar entries, fixed mtimes, owner 0:0).
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
SYSROOT=${SYSROOT:-$OUT/sysroot}
ROS_BIN=${ROS_BIN:-$DIST/ros}
RECIPE=${RECIPE:-$ROOT/images/os}
BASE_IMAGE=${BASE_IMAGE:-$DIST/images/os-base.tar}
OS_IMAGE=${OS_IMAGE:-$DIST/images/os.tar}
STAGE=${STAGE:-$OUT/os-image}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
for v in OUT DIST SYSROOT ROS_BIN RECIPE BASE_IMAGE OS_IMAGE STAGE; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
export SOURCE_DATE_EPOCH
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

[[ -x $ROS_BIN ]] || { echo "os-image: no ros binary at $ROS_BIN (run 'make ros' or set ROS_BIN)" >&2; exit 1; }
[[ -s $BASE_IMAGE ]] || { echo "os-image: no base image at $BASE_IMAGE (run build/images.sh)" >&2; exit 1; }
[[ -x $SYSROOT/usr/bin/grub-mkimage ]] || { echo "os-image: no grub-mkimage in $SYSROOT (run build/fetch-debs.sh)" >&2; exit 1; }
command -v jq >/dev/null || { echo "os-image: jq is missing (make deps)" >&2; exit 1; }
mapfile -t os_files < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$RECIPE/files.list" | sed '/^$/d')
# os_file NAME: where the build output NAME is: $DIST/NAME, or the variable named like it (VMLINUZ, INITRD), as
# iso.sh takes them.
os_file() {
  local var=${1^^}
  var=${var//[^A-Z0-9]/_}
  if [[ -n ${!var:-} ]]; then realpath -m "${!var}"; else echo "$DIST/$1"; fi
}
for name in "${os_files[@]}"; do
  [[ -s $(os_file "$name") ]] || { echo "os-image: $(os_file "$name") (images/os/files.list) is missing" >&2; exit 1; }
done
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

rm -rf "$STAGE"
mkdir -p "$STAGE/base" "$STAGE/lower" "$STAGE/rootfs" "$STAGE/archive/blobs/sha256"

# os-base's layer, as images.sh wrote it: the first layer here too, and the lower tree the ELF closure skips.
tar -xf "$BASE_IMAGE" -C "$STAGE/base"
base_blob=$(jq -r '.[0].Layers[0]' "$STAGE/base/manifest.json")
base_diff=$(jq -r '.rootfs.diff_ids[0]' "$STAGE/base/$(jq -r '.[0].Config' "$STAGE/base/manifest.json")")
tar -xf "$STAGE/base/$base_blob" -C "$STAGE/lower"
cp "$STAGE/base/$base_blob" "$STAGE/archive/$base_blob"

FILES=() CONFIG=''
# shellcheck source=images/os/image.sh
. "$RECIPE/image.sh"
cd "$STAGE/rootfs"
for rel in "${FILES[@]}"; do
  if [[ -d $SYSROOT/$rel && ! -L $SYSROOT/$rel ]]; then
    mkdir -p "$(dirname "$rel")"
    cp -a "$SYSROOT/$rel" "$rel"
  else
    LOWER_ROOT=$STAGE/lower copy_from_sysroot "$rel" >/dev/null
  fi
done
install -D -m 0755 "$ROS_BIN" usr/bin/ros
mkdir -p usr/share/ros/os
for name in "${os_files[@]}"; do install -m 0644 "$(os_file "$name")" "usr/share/ros/os/$name"; done
printf '%s\n' "${os_files[@]}" >usr/share/ros/os/files.list
printf '%s\n' "$VERSION" >usr/share/ros/os/version
# ros in this image (the installer) reads its version there, as in the initrd.
write_os_release usr/share/ros/os-release "$VERSION"
install -m 0644 "$RECIPE/grub.cfg" usr/share/ros/os/grub.cfg
mkdir -p usr/sbin
mapfile -t elves < <(find usr/bin usr/sbin sbin usr/lib/grub -type f -perm /111 -printf '%p\n' | LC_ALL=C sort)
LOWER_ROOT=$STAGE/lower elf_closure "${elves[@]}"
cd - >/dev/null

layer_tar "$STAGE/rootfs" "$STAGE/os-layer.tar"
layer_hex=$(add_blob "$STAGE/os-layer.tar" "$STAGE/archive")
jq -c -n --argjson config "$CONFIG" --arg created "$created" --arg base "$base_diff" --arg layer "sha256:$layer_hex" \
  '{architecture: "amd64", os: "linux", created: $created, config: $config,
    rootfs: {type: "layers", diff_ids: [$base, $layer]},
    history: [{created: $created, created_by: "build/images.sh os-base"}, {created: $created, created_by: "build/os-image.sh"}]}' \
  >"$STAGE/image-config.json"
config_hex=$(add_blob "$STAGE/image-config.json" "$STAGE/archive")
jq -c -n --arg config "blobs/sha256/$config_hex" --arg tag "corralos/os:$VERSION" \
  --arg base "$base_blob" --arg layer "blobs/sha256/$layer_hex" \
  '[{Config: $config, RepoTags: [$tag], Layers: [$base, $layer]}]' >"$STAGE/archive/manifest.json"
mkdir -p "$(dirname "$OS_IMAGE")"
tmp=$(mktemp "$(dirname "$OS_IMAGE")/.os.tar.XXXXXX")
layer_tar "$STAGE/archive" "$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$OS_IMAGE"
echo "os-image: corralos/os:$VERSION $(stat -c %s "$OS_IMAGE") bytes (${os_files[*]}, ros, installer tools)"
