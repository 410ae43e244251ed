# Network configuration: dhcpcd (with its hook scripts, run by busybox sh) under `ros netconf`.
FILES=(usr/sbin/dhcpcd usr/lib/dhcpcd usr/lib/x86_64-linux-gnu/dhcpcd var/lib/dhcpcd)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","netconf","--daemon"]}'
