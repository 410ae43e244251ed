#!/usr/bin/env bash
# `make run`: boots dist/corralos.iso in QEMU with the serial console on this terminal and SSH forwarded to
# 127.0.0.1:2222. User networking with restrict=on: the guest reaches nothing but the host forwards.
# Env: CORRALOS_ACCEL=tcg|kvm (default: KVM when it works, else TCG), MEM (MiB, default 2048), SSH_PORT (2222),
#      UEFI=1 (boot with OVMF instead of SeaBIOS), ISO (default $DIST/corralos.iso), CLOUD_CONFIG (user data for the
#      config drive; default: your ~/.ssh/id_*.pub keys or a key made in out/ssh; "none": no config drive).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-dist}
ISO=${ISO:-$DIST/corralos.iso}
MEM=${MEM:-2048}
SSH_PORT=${SSH_PORT:-2222}
[[ -f $ISO ]] || { echo "run-qemu: $ISO not found: run 'make' first" >&2; exit 1; }

kvm_works() {
  [[ -r /dev/kvm && -w /dev/kvm ]] || return 1
  # Nested/broken KVM often opens fine but cannot run a vCPU: boot SeaBIOS once and look for its last words.
  local log; log=$(mktemp)
  timeout 10 qemu-system-x86_64 -accel kvm -cpu host -machine q35 -m 64 -nodefaults -display none -no-reboot \
    -chardev "file,id=dbg,path=$log" -device isa-debugcon,iobase=0x402,chardev=dbg </dev/null >/dev/null 2>&1 &
  local pid=$! ok=1
  for _ in $(seq 100); do
    if grep -q 'No bootable device' "$log" 2>/dev/null; then ok=0; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"
  return $ok
}

case ${CORRALOS_ACCEL:-auto} in
  kvm) accel=kvm ;;
  tcg) accel=tcg ;;
  auto|"") if kvm_works 2>/dev/null; then accel=kvm; else accel=tcg; fi ;;
  *) echo "run-qemu: CORRALOS_ACCEL must be tcg, kvm or auto" >&2; exit 1 ;;
esac
if [[ $accel == kvm ]]; then accel_args=(-accel kvm -cpu host); else accel_args=(-accel tcg -cpu max); fi

firmware=()
if [[ ${UEFI:-0} == 1 ]]; then
  vars=$(mktemp --suffix=.fd)
  trap 'rm -f "$vars"' EXIT
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
  firmware=(-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
            -drive "if=pflash,format=raw,unit=1,file=$vars")
fi

# A config drive (label config-2) with an SSH key, so that `ssh rancher@` works: the user's own public keys, else a
# key made for this purpose in out/ (CLOUD_CONFIG=file uses that file as the user data instead).
drive=()
if [[ ${CLOUD_CONFIG:-} != none ]]; then
  work=out/run-qemu   # kept while QEMU runs (exec below), replaced by the next run
  rm -rf "$work"
  mkdir -p "$work/cd/openstack/latest"
  if [[ -n ${CLOUD_CONFIG:-} ]]; then
    cp "$CLOUD_CONFIG" "$work/cd/openstack/latest/user_data"
    ssh_hint="keys from $CLOUD_CONFIG"
  else
    keys=$(cat ~/.ssh/id_*.pub 2>/dev/null || true)
    if [[ -z $keys ]]; then
      mkdir -p out/ssh
      [[ -f out/ssh/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N "" -C corralos-run -f out/ssh/id_ed25519
      keys=$(cat out/ssh/id_ed25519.pub)
      ssh_hint="key out/ssh/id_ed25519: add -i out/ssh/id_ed25519"
    else
      ssh_hint="your ~/.ssh key"
    fi
    { echo "#cloud-config"; echo "ssh_authorized_keys:"; sed 's/^/  - /' <<<"$keys"; } >"$work/cd/openstack/latest/user_data"
  fi
  xorriso -as mkisofs -quiet -V config-2 -J -R -o "$work/config-2.iso" "$work/cd" 2>"$work/xorriso.log" ||
    { cat "$work/xorriso.log" >&2; echo "run-qemu: could not make the config drive" >&2; exit 1; }
  drive=(-drive "if=virtio,format=raw,readonly=on,file=$work/config-2.iso")
fi

cat <<NOTE
CorralOS: booting $ISO (accelerator: $accel, ${MEM} MiB${UEFI:+, UEFI}); serial console below.
  Quit QEMU: press Ctrl-a then x.  (Ctrl-a h lists the other keys; 'sudo poweroff' in the guest also ends it.)
  SSH once "CorralOS ... started" shows: ssh -p $SSH_PORT rancher@127.0.0.1 (${ssh_hint:-no config drive: CLOUD_CONFIG=none})
NOTE

exec qemu-system-x86_64 \
  -name corralos -machine q35 "${accel_args[@]}" -m "$MEM" -smp 2 \
  "${firmware[@]}" "${drive[@]}" \
  -drive "if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=$ISO" -device ide-cd,drive=cd0,bootindex=0 \
  -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22" -device virtio-net-pci,netdev=n0,romfile= \
  -nographic
