# Shared by build/initrd.sh and build/floor-initrd.sh (sourced, not run).

# initrd_compressor CONFIG: the compressor command for an initrd this kernel config can unpack.
# lz4 first: under software emulation the kernel unpacks it 1.2 to 1.4 s sooner than zstd -19 (the boot's largest
# single item before PID 1 runs), for an initrd 40 % larger (docs/init.md). The kernel reads only lz4's legacy
# frame format (-l). All are deterministic: lz4 and zstd single-threaded, gzip without name/timestamp.
initrd_compressor() {
  if grep -qx 'CONFIG_RD_LZ4=y' "$1"; then
    echo "lz4 -l -9 -q -c"
  elif grep -qx 'CONFIG_RD_ZSTD=y' "$1"; then
    echo "zstd -q -19 -T1 --no-progress -c"
  else
    echo "gzip -n -9 -c"
  fi
}

# write_cpio TREE OUTFILE COMPRESSOR...: a reproducible newc archive of TREE, compressed.
# Every entry gets mtime SOURCE_DATE_EPOCH and owner 0:0; names are sorted bytewise and
# have no "./" prefix; --reproducible zeroes device numbers and renumbers inodes.
write_cpio() {
  local tree=$1 out=$2 cpio tmp
  shift 2
  # Temp names of our own: another build writing the same OUT must not be able to mix in.
  cpio=$(mktemp "$out.cpio.XXXXXX")
  tmp=$(mktemp "$out.tmp.XXXXXX")
  find "$tree" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  (cd "$tree" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio -o -H newc --reproducible --owner=0:0 --quiet) >"$cpio"
  "$@" <"$cpio" >"$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$out"
  echo "$out: $(cd "$tree" && find . -mindepth 1 | wc -l) entries, cpio $(stat -c %s "$cpio") bytes, compressed ($1) $(stat -c %s "$out") bytes"
  rm -f "$cpio"
}

# make_console TREE: /dev/console in the archive itself; the kernel opens it for init's stdio
# before anything could mount devtmpfs, so without it PID 1 starts with no stdin/out/err.
# /dev/urandom and /dev/null too: the .NET runtime opens /dev/urandom at start-up, before PID 1 can mount
# devtmpfs, and if it is missing then it never tries again, so every later secure random call (Guid.NewGuid,
# TLS) fails in PID 1.
make_console() {
  mkdir -p "$1/dev"
  rm -f "$1/dev/console" "$1/dev/null" "$1/dev/urandom"
  mknod -m 600 "$1/dev/console" c 5 1 || { echo "need root (mknod) to create dev/console" >&2; return 1; }
  mknod -m 666 "$1/dev/null" c 1 3
  mknod -m 666 "$1/dev/urandom" c 1 9
}

# write_os_release FILE VERSION: CorralOS's os-release(5) for VERSION. Written as /usr/share/ros/os-release into the
# initrd and the OS image: `ros` reads its running version from there (src/Config/SystemEnvironment.cs), so the
# version string lives in the files, not only in the binary (build/upgrade-os.sh relies on it).
write_os_release() {
  printf 'NAME="CorralOS"\nID=corralos\nVERSION=%s\nVERSION_ID=%s\nPRETTY_NAME="CorralOS %s"\n' "$2" "$2" "$2" >"$1"
}

# The helpers below copy files out of the Debian sysroot ($SYSROOT) into the current directory (a stage tree).
# When $LOWER_ROOT is set (an image's lower layer), files that tree already has are not copied again.

# in_lower REL: true when the lower layer already has REL.
in_lower() { [[ -n ${LOWER_ROOT:-} && ( -e $LOWER_ROOT/$1 || -L $LOWER_ROOT/$1 ) ]]; }

# copy_from_sysroot REL: copies REL (a path inside the sysroot) to the same path in the stage,
# following symlinks inside the sysroot (never the host's) and recreating each link as Debian
# has it. Prints the path of the regular file it ends at.
copy_from_sysroot() {
  local rel=$1 target
  while [[ -L $SYSROOT/$rel ]]; do
    target=$(readlink "$SYSROOT/$rel")
    if [[ ! -e $rel && ! -L $rel ]] && ! in_lower "$rel"; then mkdir -p "$(dirname "$rel")"; ln -s "$target" "$rel"; fi
    if [[ $target == /* ]]; then rel=${target#/}; else rel=$(realpath -m -s --relative-to=/ "/$(dirname "$rel")/$target"); fi
  done
  [[ -f $SYSROOT/$rel ]] || { echo "build: $SYSROOT/$1 resolves to missing $rel" >&2; return 1; }
  if [[ ! -e $rel ]] && ! in_lower "$rel"; then mkdir -p "$(dirname "$rel")"; cp --preserve=mode "$SYSROOT/$rel" "$rel"; fi
  echo "$rel"
}

# find_lib SONAME: its path in the sysroot, searched where Debian's ld.so looks.
find_lib() {
  local d
  for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib; do
    if [[ -e $SYSROOT/$d/$1 ]]; then echo "$d/$1"; return 0; fi
  done
  return 1
}

# elf_closure REL...: copies each ELF file's interpreter and NEEDED libraries (recursively) from the sysroot.
# The files themselves must already be in the stage (or the lower layer).
elf_closure() {
  local -A have=()
  local queue=("$@") elf interp soname lib file runpath dir
  while ((${#queue[@]})); do
    elf=${queue[0]}; queue=("${queue[@]:1}")
    [[ -n ${have[$elf]:-} ]] && continue
    have[$elf]=1
    file=$elf
    [[ -e $file ]] || file=$LOWER_ROOT/$elf
    [[ $(head -c 4 "$file" | od -An -c | tr -d ' ') == 177ELF ]] || continue  # scripts need no libraries
    interp=$(readelf -lW "$file" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
    if [[ -n $interp ]]; then queue+=("$(copy_from_sysroot "${interp#/}")"); fi
    # RUNPATH first (sudo keeps libsudo_util in /usr/libexec/sudo), then ld.so's default directories.
    runpath=$(readelf -dW "$file" 2>/dev/null | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    while read -r soname; do
      lib=
      for dir in ${runpath//:/ }; do
        if [[ -e $SYSROOT/${dir#/}/$soname ]]; then lib=${dir#/}/$soname; break; fi
      done
      [[ -n $lib ]] || lib=$(find_lib "$soname") || { echo "build: $soname (needed by /$elf) not in the sysroot; add its Debian package to images/initrd/packages.list" >&2; return 1; }
      queue+=("$(copy_from_sysroot "$lib")")
    done < <(readelf -dW "$file" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  done
}

# image_load_mode RECIPE: `on-demand` when the image recipe (images/system/NAME/image.sh) sets LOAD=on-demand: the
# initrd keeps it as an archive PID 1 loads when a service needs it; else `boot`: shipped ready in the engine's store.
image_load_mode() (
  LOAD=boot
  # shellcheck source=/dev/null
  if [[ -f $1 ]]; then . "$1"; fi
  echo "$LOAD"
)

# Docker image archives (build/images.sh, build/os-image.sh).

# layer_tar ROOTFS OUT: a reproducible tar of the tree (sorted names without ./, fixed mtime, 0:0).
layer_tar() {
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    tar --no-recursion --owner=0 --group=0 --numeric-owner --format=posix \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --mtime="@$SOURCE_DATE_EPOCH" \
      -cf - -T -) >"$2"
}

# add_blob FILE DIR: moves FILE into DIR/blobs/sha256/<hex>; prints the hex.
add_blob() {
  local hex
  hex=$(sha256sum "$1" | cut -d' ' -f1)
  mkdir -p "$2/blobs/sha256"
  mv "$1" "$2/blobs/sha256/$hex"
  echo "$hex"
}
