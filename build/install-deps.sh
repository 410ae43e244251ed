#!/usr/bin/env bash
# Installs the Debian packages the build, `make run` and the tests need, but only those missing:
# it runs on every `make`, so the common case (everything present) must be a fast no-op.
set -euo pipefail

# Tools the image build itself uses (apt download, xorriso, grub-mkimage, mkfs.vfat + mtools, cpio, lz4/zstd/gzip, depmod,
# readelf), plus what `make run` and the boot tests use (qemu, ovmf, netcat for the fake metadata service, ssh into
# the guest), crun for the engine's container tests, erofs-utils for the system images file (build/initrd.sh) and jq
# for the system images' configs (build/images.sh);
# debootstrap: the Debian console (build/consoles.sh); openssh-server: the console tests log in to a real sshd;
# docker-registry and htpasswd (apache2-utils): the engine's registry pull/push tests run Debian's registry on
# 127.0.0.1; dhcpcd-base, dnsmasq-base and iproute2: the netconf tests run dhcpcd against dnsmasq in network
# namespaces (the -base packages hold the programs without a system service that would start managing this machine's
# own interfaces). fdisk (sfdisk): the resize boot test makes a GPT state disk as an installed one is.
PACKAGES=(
  qemu-system-x86 qemu-utils ovmf
  xorriso grub-pc-bin grub-efi-amd64-bin grub-common mtools dosfstools e2fsprogs debootstrap
  cpio lz4 zstd gzip kmod xz-utils binutils coreutils
  netcat-openbsd openssh-client openssh-server
  crun erofs-utils jq fdisk
  apache2-utils docker-registry
  dhcpcd-base dnsmasq-base iproute2
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  # dpkg-query is local and quick; "install ok installed" is the only state that counts.
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "install-deps: installing missing Debian packages: ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# dotnet is not a Debian package in bookworm; say exactly what is missing instead of failing later.
if ! command -v "${DOTNET:-dotnet}" >/dev/null 2>&1; then
  echo "install-deps: '${DOTNET:-dotnet}' not found: install the .NET 10 SDK (see global.json), e.g." >&2
  echo "  https://learn.microsoft.com/dotnet/core/install/linux-debian, or set DOTNET=/path/to/dotnet" >&2
  exit 1
fi
