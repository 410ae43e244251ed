# The services catalog's open-vm-tools: Debian's vmtoolsd with its service plugins (guest info, power operations,
# time sync, quiescing) and the tools the VMware host's operations call.
FILES=(
  usr/bin/vmtoolsd usr/bin/vmware-toolbox-cmd usr/bin/vmware-rpctool usr/bin/vmware-checkvm
  usr/lib/x86_64-linux-gnu/open-vm-tools etc/vmware-tools
)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/vmtoolsd"]}'
# A catalog service (`ros service enable`): loaded when it converges, its layer gzip-compressed in the initrd meanwhile.
LOAD=on-demand
COMPRESS=gzip
