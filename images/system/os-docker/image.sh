# User Docker (the `docker` system service, docs/user-docker.md): Debian's dockerd with the containerd, shim, runc,
# docker-init (tini) and docker-proxy it starts, iptables (nftables backend, Debian's default) for the bridge's NAT,
# and the docker CLI, which `ros user-docker` shares with the console through /var/lib/rancher/engine.
# Left out: ctr, containerd-shim(-runc-v1), dnet, ovrouter and the legacy iptables (dockerd never runs them).
FILES=(
  usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/docker-init usr/bin/docker
  usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/sbin/runc
  usr/sbin/xtables-nft-multi usr/lib/x86_64-linux-gnu/xtables
)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","user-docker"]}'
# Loaded when the docker service converges, not shipped ready in System Docker's store (build/initrd.sh): most of the
# system images' bytes, needed by User Docker alone. Its layer is stored gzip-compressed meanwhile, as it sits in RAM
# (the initrd's root) until then.
LOAD=on-demand
COMPRESS=gzip
