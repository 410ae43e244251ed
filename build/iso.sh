#!/usr/bin/env bash
# Builds $DIST/corralos.iso: a hybrid ISO that boots with BIOS (GRUB i386-pc El Torito image,
# plus GRUB's hybrid MBR so the same file boots from a USB stick) and with UEFI (an EFI System
# Partition image holding GRUB's BOOTX64.EFI). Assembled by hand rather than with grub-mkrescue
# so every input of every byte is fixed: two builds from the same inputs are identical.
set -euo pipefail
umask 022

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
VMLINUZ=${VMLINUZ:-$DIST/vmlinuz}
INITRD=${INITRD:-$DIST/initrd}
SYSTEM_IMAGES=${SYSTEM_IMAGES:-$DIST/system-images}  # the initrd's system images file (build/initrd.sh)
OS_IMAGE=${OS_IMAGE:-$DIST/images/os.tar}  # the OS image (build/os-image.sh), for `ros install` from this medium
CONSOLES=${CONSOLES:-$DIST/consoles}        # the persistent consoles (build/consoles.sh), for `ros console switch`
ENGINES=${ENGINES:-$DIST/engines}           # the User Docker engines (build/engines.sh), for `ros engine switch`
ISO=${ISO:-$DIST/corralos.iso}
GRUB_CFG=${GRUB_CFG:-$ROOT/images/iso/grub.cfg}
GRUB_LIB=${GRUB_LIB:-/usr/lib/grub}
WORK=${WORK:-$OUT/iso}
VOLUME_ID=${VOLUME_ID:-CORRALOS}
VERSION=${VERSION:-$(cat "$ROOT/VERSION")}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 1764000000)}
# Absolute paths: make passes relative ones (OUT=out) and this script changes directory.
for v in OUT DIST VMLINUZ INITRD SYSTEM_IMAGES OS_IMAGE CONSOLES ENGINES ISO GRUB_CFG WORK; do printf -v "$v" %s "$(realpath -m "${!v}")"; done
# xorriso and mtools read it too: volume dates, FAT timestamps.
export SOURCE_DATE_EPOCH

for f in "$VMLINUZ" "$INITRD" "$SYSTEM_IMAGES" "$OS_IMAGE" "$GRUB_CFG"; do [[ -s $f ]] || { echo "iso: missing $f" >&2; exit 1; }; done

rm -rf "$WORK"
mkdir -p "$WORK/tree/boot/grub/i386-pc" "$WORK/efi"

# GRUB names an ISO9660 volume by its modification date; pinning the date to SOURCE_DATE_EPOCH
# gives a UUID that the embedded config can search for, and that changes with each build input.
iso_date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)
grub_uuid=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d-%H-%M-%S-00)
cat >"$WORK/embed.cfg" <<CFG
search --no-floppy --fs-uuid --set=root $grub_uuid
set prefix=(\$root)/boot/grub
CFG

# Everything the menu needs is built into the GRUB images, so no module directories ship.
common_modules=(normal configfile search search_fs_uuid iso9660 part_msdos part_gpt fat
  linux echo test serial terminal sleep reboot halt ls cat)
grub-mkimage -O i386-pc-eltorito -p /boot/grub -c "$WORK/embed.cfg" -o "$WORK/tree/boot/grub/i386-pc/eltorito.img" \
  "${common_modules[@]}" biosdisk
grub-mkimage -O x86_64-efi -p /boot/grub -c "$WORK/embed.cfg" -o "$WORK/efi/BOOTX64.EFI" \
  "${common_modules[@]}" efi_gop efi_uga all_video

# The EFI System Partition image: FAT with a fixed volume id and invariant metadata.
efi_kib=$(( ($(stat -c %s "$WORK/efi/BOOTX64.EFI") / 1024 + 256 + 63) / 64 * 64 ))
efi_img=$WORK/tree/boot/grub/efi.img
mkfs.vfat -C --invariant -i "$(printf '%08X' $((SOURCE_DATE_EPOCH & 0xffffffff)))" -n ESP "$efi_img" "$efi_kib" >/dev/null
touch -d "@$SOURCE_DATE_EPOCH" "$WORK/efi/BOOTX64.EFI"
MTOOLS_SKIP_CHECK=1 mmd -i "$efi_img" ::/EFI ::/EFI/BOOT
MTOOLS_SKIP_CHECK=1 mcopy -m -i "$efi_img" "$WORK/efi/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

install -m 0644 "$VMLINUZ" "$WORK/tree/boot/vmlinuz"
install -m 0644 "$INITRD" "$WORK/tree/boot/initrd"
# PID 1 loop-mounts it from here when User Docker first needs its image (src/Init/SystemDocker/SystemImagesFile.cs).
install -m 0644 "$SYSTEM_IMAGES" "$WORK/tree/boot/system-images"
install -D -m 0644 "$OS_IMAGE" "$WORK/tree/images/os.tar"
# Not in the initrd (RAM): `ros console switch/enable` copies one from here to the state disk when it is chosen.
for console in "$CONSOLES"/os-console-*.tar; do
  [[ -e $console ]] && install -D -m 0644 "$console" "$WORK/tree/consoles/$(basename "$console")"
done
# Likewise the engines, for `ros engine switch/enable`.
for engine in "$ENGINES"/*.tar; do
  [[ -e $engine ]] && install -D -m 0644 "$engine" "$WORK/tree/engines/$(basename "$engine")"
done
sed "s/@VERSION@/$VERSION/g" "$GRUB_CFG" >"$WORK/tree/boot/grub/grub.cfg"
find "$WORK/tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$(dirname "$ISO")"
iso_tmp=$(mktemp "$ISO.tmp.XXXXXX")
# -r: Rock Ridge with normalised owner/modes. --grub2-boot-info/--grub2-mbr: GRUB's hybrid MBR
# finds the El Torito image from a USB stick. -efi-boot-part --efi-boot-image: the ESP image is
# also exposed as a GPT partition, for UEFI machines booting the stick.
xorriso -as mkisofs -quiet \
  -o "$iso_tmp" -V "$VOLUME_ID" -r --modification-date="$iso_date" \
  -b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table \
  --grub2-boot-info --grub2-mbr "$GRUB_LIB/i386-pc/boot_hybrid.img" \
  --efi-boot boot/grub/efi.img -efi-boot-part --efi-boot-image --protective-msdos-label \
  "$WORK/tree" 2>"$WORK/xorriso.log" || { cat "$WORK/xorriso.log" >&2; exit 1; }
chmod 0644 "$iso_tmp"
mv "$iso_tmp" "$ISO"
echo "iso: $ISO $(stat -c %s "$ISO") bytes (vmlinuz $(stat -c %s "$VMLINUZ"), initrd $(stat -c %s "$INITRD"), os.tar $(stat -c %s "$OS_IMAGE"))"
