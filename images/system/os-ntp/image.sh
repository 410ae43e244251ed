# Time: chronyd under `ros ntp` (servers from rancher.ntp; Debian's busybox has no ntpd).
FILES=(usr/sbin/chronyd)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","ntp"]}'
