#!/usr/bin/env bash
# console-rootfs.sh RECIPE DEST: the base layer of a persistent console (build/consoles.sh) as a tar at DEST:
# `debootstrap --variant=minbase` of the recipe's SUITE from MIRROR with its PACKAGES, the console's users, and
# nothing made per machine. Slow (minutes): build/consoles.sh caches DEST keyed by this file, the recipe's image.sh
# and MIRROR; the recipe's rootfs/ is a separate layer, so editing those files costs no debootstrap.
set -euo pipefail
umask 022
recipe=$1 dest=$2
: "${MIRROR:?}" "${WORK:?}" "${SOURCE_DATE_EPOCH:?}"
SUITE='' PACKAGES=() CONFIG=''
# shellcheck source=/dev/null
. "$recipe/image.sh"
root=$WORK/rootfs
rm -rf "$WORK"
mkdir -p "$root"
echo "consoles: debootstrap $SUITE from $MIRROR into $root (then cached)"
include=$(IFS=,; echo "${PACKAGES[*]}")
debootstrap --variant=minbase --include="$include" "$SUITE" "$root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -20 "$WORK/debootstrap.log" >&2; echo "consoles: debootstrap failed" >&2; exit 1; }
# Users as in the default console: rancher 1100 and docker 1101, both in docker and sudo; `*` (no password, keys
# work with UsePAM no); console-init sets rancher's from rancher.password.
chroot "$root" groupadd -g 1100 rancher
chroot "$root" groupadd -g 1101 docker
chroot "$root" useradd -u 1100 -g rancher -G docker,sudo -d /home/rancher -M -s /bin/bash -p '*' rancher
chroot "$root" useradd -u 1101 -g docker -G docker,sudo -d /home/docker -M -s /bin/bash -p '*' docker
printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$root/etc/apt/sources.list"
# Made per machine at run time: host keys by console-init, the rest by the engine.
rm -f "$root"/etc/ssh/ssh_host_* "$root/etc/hostname" "$root/etc/resolv.conf"
: >"$root/etc/machine-id"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log
rm -rf "${root:?}"/dev/* "$root"/proc/* "$root"/sys/* "$root"/run/* "$root"/tmp/*
# Debian's owners are kept (shadow, man, mail... own files here); times are fixed.
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
  tar --no-recursion --numeric-owner --format=posix --mtime="@$SOURCE_DATE_EPOCH" \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - -T -) >"$dest.tmp"
mv "$dest.tmp" "$dest"
rm -rf "$WORK"
