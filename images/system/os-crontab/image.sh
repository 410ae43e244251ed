# The services catalog's crontab: busybox crond (busybox is os-base's) in the foreground, reading one crontab per
# user from /etc/crontabs (the catalog service mounts /var/lib/rancher/conf/crontabs there) and logging to stderr.
FILES=()
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["crond","-f","-L","/dev/stderr","-c","/etc/crontabs"]}'
