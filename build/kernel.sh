#!/usr/bin/env bash
# Debian's kernel for CorralOS: $DIST/vmlinuz, and the module subset of images/initrd/modules.list
# with its dependency closure (from the kernel's own modules.dep and softdeps) under $MODULES_ROOT,
# for build/initrd.sh.
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
OUT=${OUT:-$ROOT/out}
DIST=${DIST:-$ROOT/dist}
SYSROOT=${SYSROOT:-$OUT/sysroot}
MODULES_LIST=${MODULES_LIST:-$ROOT/images/initrd/modules.list}
MODULES_ROOT=${MODULES_ROOT:-$OUT/modules}
# Absolute paths: make passes relative ones (OUT=out) and this script changes directory.
for v in OUT DIST SYSROOT MODULES_LIST MODULES_ROOT; do printf -v "$v" %s "$(realpath -m "${!v}")"; done

OUT="$OUT" SYSROOT="$SYSROOT" "$ROOT/build/fetch-debs.sh"

kvers=("$SYSROOT"/lib/modules/*)
((${#kvers[@]} == 1)) || { echo "kernel: expected exactly one kernel in $SYSROOT/lib/modules, found: ${kvers[*]##*/}" >&2; exit 1; }
KVER=${kvers[0]##*/}
KDIR=$SYSROOT/lib/modules/$KVER

mkdir -p "$DIST" "$OUT"
install -m 0644 "$SYSROOT/boot/vmlinuz-$KVER" "$DIST/vmlinuz.tmp"

# The .deb ships no modules.dep (its postinst runs depmod), so index the full tree first.
[[ -s $KDIR/modules.dep && -s $KDIR/modules.softdep ]] || depmod -b "$SYSROOT" "$KVER"

# Closure over modules.dep and softdeps, in awk: names normalise '-' to '_' as modprobe does.
# Wanted names that are built in are fine; names that exist nowhere fail the build.
closure_file=$OUT/modules.closure
awk -v list="$MODULES_LIST" '
  function norm(s) { gsub(/-/, "_", s); return s }
  function base(p,   n, a) { n = split(p, a, "/"); p = a[n]; sub(/\.ko(\.(xz|zst|gz))?$/, "", p); return norm(p) }
  function want(name, strict) {
    name = norm(name)
    if (name in path) { if (!(path[name] in keep)) { keep[path[name]] = 1; queue[++qn] = name } return }
    if (name in builtin) return
    if (name in alias) { n = split(alias[name], m, " "); for (i = 1; i <= n; i++) want(m[i], 0); return }
    if (strict) { print "kernel: module \"" name "\" (modules.list) is neither a module nor built in" > "/dev/stderr"; bad = 1 }
  }
  FILENAME ~ /modules\.dep$/     { sub(/:$/, "", $1); path[base($1)] = $1; for (i = 2; i <= NF; i++) deps[base($1)] = deps[base($1)] " " base($i); next }
  FILENAME ~ /modules\.builtin$/ { builtin[base($1)] = 1; next }
  FILENAME ~ /modules\.alias$/   { if ($1 == "alias" && $2 !~ /[*?\[]/) alias[norm($2)] = alias[norm($2)] " " $3; next }
  FILENAME ~ /modules\.softdep$/ { if ($1 == "softdep") for (i = 3; i <= NF; i++) if ($i !~ /:$/) soft[norm($2)] = soft[norm($2)] " " $i; next }
  END {
    while ((getline line < list) > 0) { sub(/#.*/, "", line); gsub(/[ \t]/, "", line); if (line != "") want(line, 1) }
    for (q = 1; q <= qn; q++) {
      name = queue[q]
      n = split(deps[name], d, " "); for (i = 1; i <= n; i++) want(d[i], 0)
      n = split(soft[name], d, " "); for (i = 1; i <= n; i++) want(d[i], 0)
    }
    if (bad) exit 1
    for (p in keep) print p
  }' "$KDIR/modules.dep" "$KDIR/modules.builtin" "$KDIR/modules.alias" "$KDIR/modules.softdep" >"$closure_file.tmp"
LC_ALL=C sort "$closure_file.tmp" >"$closure_file" && rm "$closure_file.tmp"
mapfile -t closure <"$closure_file"

# Copy the subset, decompressed: the initrd is compressed as a whole and PID 1 loads modules
# with finit_module(2) without decompression flags.
rm -rf "$MODULES_ROOT.tmp"
dest=$MODULES_ROOT.tmp/lib/modules/$KVER
mkdir -p "$dest"
for rel in "${closure[@]}"; do
  out=$dest/${rel%.xz}; out=${out%.zst}; out=${out%.gz}
  mkdir -p "$(dirname "$out")"
  case $rel in
    *.ko.xz)  xz -dc "$KDIR/$rel" >"$out" ;;
    *.ko.zst) zstd -qdc "$KDIR/$rel" >"$out" ;;
    *.ko.gz)  gzip -dc "$KDIR/$rel" >"$out" ;;
    *)        cp "$KDIR/$rel" "$out" ;;
  esac
  chmod 0644 "$out"
done
# modules.builtin(.modinfo) let modprobe/ros know what needs no loading; modules.order keeps
# depmod's output order stable and meaningful.
cp "$KDIR/modules.builtin" "$KDIR/modules.builtin.modinfo" "$dest/"
sed -E 's/\.ko\.(xz|zst|gz)$/.ko/' "$KDIR/modules.order" | while read -r m; do if [[ -f $dest/$m ]]; then echo "$m"; fi; done >"$dest/modules.order"

depmod -b "$MODULES_ROOT.tmp" "$KVER"
# Keep only the text indexes: deterministic, and what PID 1 reads.
rm -f "$dest"/*.bin
rm -rf "$MODULES_ROOT"
mv "$MODULES_ROOT.tmp" "$MODULES_ROOT"
echo "$KVER" >"$OUT/kernel.release"

mv "$DIST/vmlinuz.tmp" "$DIST/vmlinuz"
echo "kernel: $KVER, vmlinuz $(stat -c %s "$DIST/vmlinuz") bytes, ${#closure[@]} modules ($(du -sh "$MODULES_ROOT" | cut -f1))"
