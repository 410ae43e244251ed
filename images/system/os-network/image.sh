# Network configuration: dhcpcd (with its hook scripts, run by busybox sh) under `ros netconf`.
# Not dhcpcd's udev plugin (usr/lib/x86_64-linux-gnu/dhcpcd/dev/udev.so): without the udev database in this
# container it makes dhcpcd report "interface not found" (docs/network.md).
FILES=(usr/sbin/dhcpcd usr/lib/dhcpcd var/lib/dhcpcd)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","netconf","--daemon"]}'
