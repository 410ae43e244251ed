# The persistent Debian console (build/consoles.sh): debootstrap --variant=minbase of SUITE, plus these packages.
# OpenSSH and sudo for the login; busybox-static for console-init's getty and dmesg (docs/console.md, "What the
# console image must provide"; Debian's dynamic busybox has fewer applets); apt works in it (its sources are the
# mirror it was built from).
SUITE=bookworm
PACKAGES=(busybox-static ca-certificates openssh-server sudo)
CONFIG='{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","console-init"],"Labels":{"io.rancher.os.console":"debian"}}'
