# Device manager: Debian's systemd-udevd run standalone (udevadm trigger/settle for coldplug), with its rules.
FILES=(bin/udevadm lib/systemd/systemd-udevd lib/udev/rules.d lib/udev/ata_id lib/udev/scsi_id lib/udev/cdrom_id)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin:/lib/systemd"],"Cmd":["/lib/systemd/systemd-udevd"]}'
