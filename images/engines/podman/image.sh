# The Podman engine (docs/user-docker.md, "Engines"; build/engines.sh): debootstrap --variant=minbase of SUITE plus
# Debian's podman with what it runs: conmon, crun, netavark and aardvark-dns for bridge networks (their NAT through
# iptables, nftables backend as User Docker's), catatonit for --init, uidmap for user namespaces. The service runs
# `ros user-podman`: `podman system service` on /var/run/docker.sock, so the console's docker CLI (copied from the
# sysroot's docker.io, SYSROOT_FILES) talks to it; its data is /var/lib/containers, never Docker's /var/lib/docker.
IMAGE=os-podman
SUITE=bookworm
PACKAGES=(aardvark-dns ca-certificates catatonit conmon crun iptables netavark podman uidmap)
SYSROOT_FILES=(usr/bin/docker)
CONFIG='{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","user-podman"],"Labels":{"io.rancher.os.engine":"podman"}}'
