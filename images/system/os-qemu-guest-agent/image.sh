# The services catalog's qemu-guest-agent: Debian's qemu-ga on the virtio-serial port QEMU/Proxmox/libvirt give the
# guest (/dev/virtio-ports/org.qemu.guest_agent.0, seen through the privileged container's /dev).
FILES=(usr/sbin/qemu-ga etc/qemu)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/sbin/qemu-ga"]}'
# A catalog service (`ros service enable`): loaded when it converges, its layer gzip-compressed in the initrd meanwhile.
LOAD=on-demand
COMPRESS=gzip
