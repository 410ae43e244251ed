# The OS image corralos/os:<version> (build/os-image.sh): os-base's layer plus one layer holding the files of one
# OS version (images/os/files.list) and the installer's tools. `ros install` runs in a container of this image:
# the image's own ros (/usr/bin/ros) partitions, formats and writes the boot loader with Debian's tools below.
# FILES: paths in the Debian sysroot (directories copied whole; ELF libraries added automatically). Debian keeps
# grub-bios-setup in usr/lib/grub/i386-pc.
FILES=(
  sbin/sfdisk sbin/mke2fs sbin/mkfs.ext4 etc/mke2fs.conf sbin/mkfs.fat sbin/mkfs.vfat
  usr/bin/grub-mkimage usr/lib/grub/i386-pc usr/lib/grub/x86_64-efi
)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":["/usr/bin/ros","install"],"Labels":{"io.rancher.os.image":"os"}}'
