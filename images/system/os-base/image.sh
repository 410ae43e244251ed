# The base of every system image: busybox, glibc, the libraries `ros` links (added by build/images.sh) and loads
# (OpenSSL for TLS), users and groups.
FILES=(bin/busybox)
DLOPEN=(libssl.so.3 libcrypto.so.3 libgcc_s.so.1)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]}'
# Git keeps only 0644/0755: modes the layer needs beyond that.
MODES=("0600 etc/shadow")
