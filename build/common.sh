# Shared by build/initrd.sh and build/floor-initrd.sh (sourced, not run).

# initrd_compressor CONFIG: the compressor command for an initrd this kernel config can unpack.
# Both are deterministic: zstd single-threaded, gzip without name/timestamp.
initrd_compressor() {
  if grep -qx 'CONFIG_RD_ZSTD=y' "$1"; then
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
