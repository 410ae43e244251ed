#!/usr/bin/env bash
# Builds $DIST/initrd: a compressed newc cpio whose /init is the `ros` NativeAOT binary, with
# busybox-static, crun, the shared libraries they need (ELF NEEDED closure, Debian paths), CA
# certificates, minimal /etc, the system images (build/images.sh) and the kernel module subset from build/kernel.sh;
# and $DIST/system-images beside it: an erofs of the large on-demand system images (User Docker's), kept out of RAM.
# Reproducible: same inputs + SOURCE_DATE_EPOCH give the same bytes.
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
SYSROOT=${SYSROOT:-$OUT/sysroot}            # extracted Debian packages (build/fetch-debs.sh)
MODULES_ROOT=${MODULES_ROOT:-$OUT/modules}  # lib/modules/<kver> subset (build/kernel.sh)
ROS_BIN=${ROS_BIN:-$DIST/ros}
IMAGES=${IMAGES:-$DIST/images}               # system images (build/images.sh)
INITRD=${INITRD:-$DIST/initrd}
SYSTEM_IMAGES=${SYSTEM_IMAGES:-$DIST/system-images}
STAGE=${STAGE:-$OUT/initrd-root}
SYSTEM_IMAGES_STAGE=${SYSTEM_IMAGES_STAGE:-$STAGE.system-images}
DLOPEN_LIST=${DLOPEN_LIST:-$ROOT/images/initrd/dlopen.list}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
# Absolute paths: make passes relative ones (OUT=out) and this script changes directory.
for v in OUT DIST SYSROOT MODULES_ROOT ROS_BIN IMAGES INITRD SYSTEM_IMAGES STAGE SYSTEM_IMAGES_STAGE DLOPEN_LIST; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
export SOURCE_DATE_EPOCH
# shellcheck source=build/common.sh
. "$ROOT/build/common.sh"

[[ -x $ROS_BIN ]] || { echo "initrd: no ros binary at $ROS_BIN (run 'make ros' or set ROS_BIN)" >&2; exit 1; }
[[ -x $SYSROOT/bin/busybox && -x $SYSROOT/usr/bin/crun ]] || { echo "initrd: no Debian sysroot at $SYSROOT (run build/fetch-debs.sh)" >&2; exit 1; }
compgen -G "$IMAGES/*.tar" >/dev/null || { echo "initrd: no system images in $IMAGES (run build/images.sh)" >&2; exit 1; }
command -v mkfs.erofs >/dev/null || { echo "initrd: mkfs.erofs is missing (make deps: erofs-utils)" >&2; exit 1; }
kvers=("$MODULES_ROOT"/lib/modules/*)
[[ -d ${kvers[0]} && ${#kvers[@]} -eq 1 ]] || { echo "initrd: no module tree at $MODULES_ROOT (run build/kernel.sh)" >&2; exit 1; }
KVER=${kvers[0]##*/}

rm -rf "$STAGE"
mkdir -p "$STAGE"
cd "$STAGE"
mkdir -p bin sbin usr/bin usr/sbin usr/share/ros etc/ssl/certs proc sys dev run var root mnt home lib/modules
install -d -m 1777 tmp
chmod 0700 root
ln -s ../run var/run

# PID 1 and the multi-call binary.
install -m 0755 "$ROS_BIN" usr/bin/ros
ln -s usr/bin/ros init

# Applets ros provides win over busybox's. The binary may not be ready yet (or be a placeholder):
# then fall back to the names PID 1 needs.
if ros_applets=$(timeout 20 "$ROS_BIN" --list-applets 2>/dev/null) && [[ -n $ros_applets ]]; then :; else
  echo "initrd: '$ROS_BIN --list-applets' failed; linking the default ros applets" >&2
  ros_applets=$'init\nhalt\npoweroff\nreboot\nshutdown'
fi
declare -A ros_has=()
while read -r applet; do
  [[ $applet =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ && $applet != ros ]] || continue
  ros_has[$applet]=1
  case $applet in
    init|halt|poweroff|reboot|shutdown) ln -s ../usr/bin/ros "sbin/$applet" ;;
    # The kernel's request_module helper is busybox's modprobe (below), not `ros modprobe`: the kernel waits for it,
    # and most of its requests at boot are for modules that do not exist (dhcpcd's start asks for 8021q and nl80211
    # twice each). A `ros` start costs ~0.1 s under software emulation, busybox's whole lookup a few ms.
    modprobe) ;;
    *) ln -s ros "usr/bin/$applet" ;;
  esac
done <<<"$ros_applets"

# busybox-static with a link per applet in /bin (minus the ones ros provides).
install -m 0755 "$SYSROOT/bin/busybox" bin/busybox
while read -r applet; do
  [[ $applet == busybox || -n ${ros_has[$applet]:-} ]] && continue
  ln -s busybox "bin/$applet"
done < <("$SYSROOT/bin/busybox" --list)
ln -s ../bin/busybox sbin/modprobe

install -m 0755 "$SYSROOT/usr/bin/crun" usr/bin/crun
# mke2fs formats the state disk (rancher.state.autoformat); PID 1 runs it as /sbin/mkfs.ext4.
install -m 0755 "$SYSROOT/sbin/mke2fs" sbin/mke2fs
ln -s mke2fs sbin/mkfs.ext4
# resize2fs grows the ext4 of rancher.resize_device after its disk was made larger.
install -m 0755 "$SYSROOT/sbin/resize2fs" sbin/resize2fs
# sfdisk (util-linux) moves a grown GPT disk's backup header to its end and grows the last partition.
install -m 0755 "$SYSROOT/sbin/sfdisk" sbin/sfdisk
install -m 0644 "$SYSROOT/etc/mke2fs.conf" etc/mke2fs.conf
# dhcpcd: PID 1's cloud-init phase leases eth0 (oneshot) when a listed datasource needs the network.
install -m 0755 "$SYSROOT/usr/sbin/dhcpcd" usr/sbin/dhcpcd
# open-vm-tools' vmware-rpctool (31 KB, libc only): the vmware datasource reads guestinfo with it.
install -m 0755 "$SYSROOT/usr/bin/vmware-rpctool" usr/bin/vmware-rpctool

# ELF NEEDED closure (plus the program interpreter) of ros, crun, mke2fs, resize2fs, sfdisk, dhcpcd, vmware-rpctool and the dlopen()ed libraries.
dlopened=()
while read -r soname; do
  soname=${soname%%#*}; soname=${soname//[[:space:]]/}
  [[ -n $soname ]] || continue
  lib=$(find_lib "$soname") || { echo "initrd: $soname (dlopen.list) not in the sysroot; add its Debian package to packages.list" >&2; exit 1; }
  dlopened+=("$(copy_from_sysroot "$lib")")
done <"$DLOPEN_LIST"
elf_closure usr/bin/ros usr/bin/crun sbin/mke2fs sbin/resize2fs sbin/sfdisk usr/sbin/dhcpcd usr/bin/vmware-rpctool "${dlopened[@]}"

# CA bundle as update-ca-certificates would write it, in a fixed (sorted) order; OpenSSL's
# default paths (Debian's openssl package links) point at it too.
find "$SYSROOT/usr/share/ca-certificates" -name '*.crt' -printf '%P\n' | LC_ALL=C sort |
  while read -r crt; do cat "$SYSROOT/usr/share/ca-certificates/$crt"; done >etc/ssl/certs/ca-certificates.crt
mkdir -p usr/lib/ssl
ln -s /etc/ssl/certs usr/lib/ssl/certs
ln -s /etc/ssl/certs/ca-certificates.crt usr/lib/ssl/cert.pem

# Users and groups as RancherOS had them: rancher 1100, docker 1101; root locked.
cat >etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
rancher:x:1100:1100:rancher:/home/rancher:/bin/sh
docker:x:1101:1101:docker:/home/docker:/bin/sh
PASSWD
cat >etc/group <<'GROUP'
root:x:0:
sudo:x:27:rancher,docker
rancher:x:1100:
docker:x:1101:rancher,docker
GROUP
cat >etc/shadow <<'SHADOW'
root:*:1::::::
rancher:*:1::::::
docker:*:1::::::
SHADOW
chmod 0600 etc/shadow
cat >etc/nsswitch.conf <<'NSS'
passwd: files
group: files
shadow: files
hosts: files dns
NSS
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >etc/hosts
write_os_release usr/share/ros/os-release "$VERSION"
cp usr/share/ros/os-release etc/os-release
# The built-in configuration defaults (the lowest config layer).
install -m 0644 "$ROOT/images/initrd/os-config.yml" usr/share/ros/os-config.yml
# Its tree as JSON beside it (src/Config/CompiledOsConfig.cs): every config load reads that instead of parsing the YAML.
"$ROS_BIN" config compile-defaults usr/share/ros/os-config.yml
chmod 0644 usr/share/ros/os-config.json
# The services catalog `ros service list/enable` read (images/services: index.yml, <first letter>/<name>.yml).
mkdir -p usr/share/ros/services
(cd "$ROOT/images/services" && find . -type f -name '*.yml' -printf '%P\n' | LC_ALL=C sort) |
  while read -r f; do install -D -m 0644 "$ROOT/images/services/$f" "usr/share/ros/services/$f"; done

# The system images (build/images.sh), loaded at build time by the engine's own loader (every digest verified) into
# System Docker's store layout, each layer already extracted, so the boot untars nothing. Their layer blobs are
# dropped (only `save`/`push` read them); config blobs, digests and diff_ids stay, so `images` and `inspect` are
# unchanged. store_load STORE ARCHIVE...
store_load() {
  local store=$1 created record hex
  shift
  "$ROS_BIN" system-dockerd --data-root "$store" --load-only "$@" | sed "s|^|initrd: ${store##*/}: |"
  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%S+00:00)
  for record in "$store"/image/images/sha256/*.json; do
    jq -r '.Layers[].Blob | sub("^sha256:"; "")' "$record" | while read -r hex; do rm -f "$store/image/blobs/sha256/$hex"; done
    # Reproducible: the build's time, not the load's.
    jq -c --arg t "$created" '.Loaded = $t' "$record" >"$record.new" && mv "$record.new" "$record"
  done
  jq -c --arg t "$created" '.TagTimes |= map_values($t)' "$store/image/repositories.json" >"$store/image/repositories.json.new"
  mv "$store/image/repositories.json.new" "$store/image/repositories.json"
  [[ $store == "$SYSTEM_IMAGES_STAGE" ]] && chmod 0711 "$store" || chmod 0700 "$store"  # 0711: the console's docker links into the system images file (src/Docker/EngineCliShare.cs)
  rm -rf "${store:?}/tmp"
}
# images_file STAGE FILE INDEX ARCHIVE...: the images of ARCHIVE... loaded into a store at STAGE, made into the erofs
# FILE (lz4hc, read-only, in the engine's store layout) whose UUID is a hash of what it holds, and INDEX, the JSON PID 1
# reads to know the file and its images without mounting it: {version, uuid, images (full references)}.
images_file() {
  local stage=$1 file=$2 index=$3 uuid
  shift 3
  rm -rf "$stage"
  mkdir -p "$stage" "$(dirname "$file")"
  if (($# > 0)); then
    store_load "$stage" "$@"
  else
    mkdir -p "$stage/image"
    echo '{"Refs":{},"TagTimes":{}}' >"$stage/image/repositories.json"
  fi
  uuid=$(cd "$stage" && find image -type f -name '*.json' -printf '%p\n' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-32 |
    sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/')
  mkfs.erofs --quiet -zlz4hc -T"$SOURCE_DATE_EPOCH" -U"$uuid" "$file.tmp" "$stage"
  mv "$file.tmp" "$file"
  jq -c --arg version "$VERSION" --arg uuid "$uuid" '{version: $version, uuid: $uuid, images: [.Refs | keys[] | select(contains("@") | not)]}' \
    "$stage/image/repositories.json" >"$index"
  echo "initrd: ${file#"$STAGE"/} $(stat -c %s "$file") bytes (erofs UUID $uuid): $(jq -r '.images | join(", ")' "$index")"
}

# The system images, in two erofs files in System Docker's store layout, whose images PID 1 links into its (empty,
# RAM) store in place (src/Init/SystemDocker/SystemImagesFile.cs): nothing is unpacked at boot and each layer is held
# once, compressed. Those the default boot runs are in the initrd (usr/share/ros/initrd-images), mounted by PID 1 as
# System Docker starts. Those a recipe marks LOAD=on-demand (User Docker's, the catalog's) are in the system images
# file beside kernel and initrd ($DIST/system-images), mounted from disk when first asked for, so their bytes stay out
# of RAM; the initrd names it by its UUID in usr/share/ros/system-images.json.
# usr/share/ros/images stays for archives staged on the state disk (consoles, engines).
mkdir -p usr/share/ros/images
ready=() on_demand=()
for archive in "$IMAGES"/*.tar; do
  [[ $(basename "$archive") == os.tar ]] && continue  # the OS image holds this initrd (build/os-image.sh)
  name=$(basename "$archive" .tar)
  if [[ $(image_load_mode "$ROOT/images/system/$name/image.sh") == on-demand ]]; then
    on_demand+=("$archive")
  else
    ready+=("$archive")
  fi
done
images_file "$STAGE.initrd-images" usr/share/ros/initrd-images usr/share/ros/initrd-images.json "${ready[@]}"
images_file "$SYSTEM_IMAGES_STAGE" "$SYSTEM_IMAGES" usr/share/ros/system-images.json "${on_demand[@]}"

make_console "$STAGE"

# The kernel modules: the whole tree as an erofs (lz4hc, ~40% of its size; src/Init/Modules/ModulesImage.cs) that PID 1
# mounts over lib/modules/KVER first thing in its modules phase. The plain tree keeps the index files and only what that
# mount needs: loop, erofs and their dependencies (libcrc32c, with crc32c as its soft dependency).
cp -a "$MODULES_ROOT/lib/modules/$KVER" lib/modules/
modules_uuid=$(cat "lib/modules/$KVER/modules.dep" "lib/modules/$KVER/modules.alias" | sha256sum | cut -c1-32 |
  sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/')
mkfs.erofs --quiet -zlz4hc -T"$SOURCE_DATE_EPOCH" -U"$modules_uuid" usr/share/ros/modules "lib/modules/$KVER"
find "lib/modules/$KVER/kernel" -name '*.ko' -type f \
  -not \( -name loop.ko -o -name erofs.ko -o -name libcrc32c.ko -o -name 'crc32c[-_]*.ko' \) -delete
find "lib/modules/$KVER/kernel" -depth -type d -empty -delete
echo "initrd: usr/share/ros/modules $(stat -c %s usr/share/ros/modules) bytes (erofs); plain: $(cd "lib/modules/$KVER" && find kernel -name '*.ko' | LC_ALL=C sort | tr '\n' ' ')"

cd - >/dev/null
mkdir -p "$(dirname "$INITRD")"
# INITRD_COMPRESSOR: another command (build/upgrade-os.sh trades size for time).
read -ra compressor <<<"${INITRD_COMPRESSOR:-$(initrd_compressor "$SYSROOT/boot/config-$KVER")}"
write_cpio "$STAGE" "$INITRD" "${compressor[@]}"
echo "initrd: tree $(du -sb "$STAGE" | cut -f1) bytes, kernel $KVER, ros $(stat -c %s "$ROS_BIN") bytes"
