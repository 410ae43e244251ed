#!/usr/bin/env bash
# Downloads the Debian packages listed in images/initrd/packages.list (plus their library
# closure) into $CACHE/debs, and extracts them into a staging sysroot $SYSROOT.
# The cache is keyed by the exact .deb file name (package_version_arch), so a new Debian
# version is a new file and an unchanged one is never downloaded again.
set -euo pipefail

ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CACHE=${CACHE:-/var/cache/corralos}
OUT=${OUT:-$ROOT/out}
PACKAGES_LIST=${PACKAGES_LIST:-$ROOT/images/initrd/packages.list}
DEBS=${DEBS:-$CACHE/debs}
SYSROOT=${SYSROOT:-$OUT/sysroot}
MANIFEST=${MANIFEST:-$OUT/debs.manifest}
ARCH=${ARCH:-amd64}
# Absolute paths: make passes relative ones (OUT=out) and this script changes directory.
for v in CACHE OUT PACKAGES_LIST DEBS SYSROOT MANIFEST; do printf -v "$v" %s "$(realpath -m "${!v}")"; done

mkdir -p "$DEBS" "$OUT"

# info PKG...: one line "package<TAB>version<TAB>filename<TAB>depends" per candidate version, where
# depends = Pre-Depends and Depends, first alternative of each, names only, space separated.
# One apt-cache call per batch: each call costs ~0.5 s of parsing package lists.
info() {
  apt-cache show --no-all-versions "${@/%/:$ARCH}" 2>/dev/null | awk '
    function flush() { if (p != "") { gsub(/\|[^,]*/, "", d); gsub(/\([^)]*\)/, "", d); gsub(/:any/, "", d); gsub(/,/, " ", d); gsub(/[ \t]+/, " ", d); print p "\t" v "\t" f "\t" d } p = v = f = d = "" }
    /^Package: /     { flush(); p = $2 }
    /^Version: /     { v = $2 }
    /^Filename: /    { n = split($2, a, "/"); f = a[n] }
    /^(Pre-)?Depends: / { sub(/^[^:]*: */, ""); d = d "," $0 }
    END { flush() }'
}

if ! apt-cache show --no-all-versions "busybox-static:$ARCH" >/dev/null 2>&1; then
  # A fresh machine may have no package lists yet.
  apt-get update -qq
fi

# Breadth-first library closure of the listed packages, one apt-cache call per level.
mapfile -t level < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$PACKAGES_LIST" | sed '/^$/d')
declare -A seen=() version=() filename=()
while ((${#level[@]})); do
  todo=()
  for pkg in "${level[@]}"; do [[ -n ${seen[$pkg]:-} ]] || { seen[$pkg]=1; todo+=("$pkg"); }; done
  level=()
  ((${#todo[@]})) || break
  declare -A found=()
  while IFS=$'\t' read -r pkg ver file deplist; do
    found[$pkg]=1
    if [[ $pkg == linux-image-amd64 || $pkg == linux-image-cloud-amd64 ]]; then
      # Metapackage: follow only the concrete ABI package it points at (linux-image-6.1.0-N-amd64).
      for dep in $deplist; do [[ $dep == linux-image-* ]] && level+=("$dep"); done
      continue
    fi
    version[$pkg]=$ver filename[$pkg]=$file
    for dep in $deplist; do [[ $dep == lib* ]] && level+=("$dep"); done
  done < <(info "${todo[@]}")
  for pkg in "${todo[@]}"; do
    [[ -n ${found[$pkg]:-} ]] || { echo "fetch-debs: no candidate for Debian package '$pkg'" >&2; exit 1; }
  done
  unset found
done

# Download what the cache lacks; name files after the archive's Filename so they carry versions.
: >"$MANIFEST.tmp"
debfiles=()
for pkg in $(printf '%s\n' "${!version[@]}" | LC_ALL=C sort); do
  ver=${version[$pkg]} file=${filename[$pkg]}
  if [[ ! -s $DEBS/$file ]]; then
    echo "fetch-debs: downloading $pkg $ver"
    tmp=$(mktemp -d "$DEBS/.dl.XXXXXX")
    # apt drops privileges to _apt for downloads; let it write the temp dir.
    if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$tmp"; fi
    if ! (cd "$tmp" && apt-get download -qq "$pkg:$ARCH=$ver"); then
      rm -rf "$tmp" "$MANIFEST.tmp"
      # Stale package lists name files the mirror no longer has: refresh once and resolve again.
      if [[ -z ${FETCH_DEBS_UPDATED:-} ]]; then
        echo "fetch-debs: download of $pkg $ver failed; running apt-get update and retrying" >&2
        apt-get update -qq
        FETCH_DEBS_UPDATED=1 exec "$0" "$@"
      fi
      echo "fetch-debs: cannot download $pkg $ver" >&2
      exit 1
    fi
    mv "$tmp"/*.deb "$DEBS/$file"
    rmdir "$tmp"
  fi
  echo "$pkg $ver $file" >>"$MANIFEST.tmp"
  debfiles+=("$DEBS/$file")
done

# Re-extract only when the set of packages changed (the kernel package alone is ~70 MB).
if [[ -d $SYSROOT && -f $SYSROOT/.manifest ]] && cmp -s "$MANIFEST.tmp" "$SYSROOT/.manifest"; then
  mv "$MANIFEST.tmp" "$MANIFEST"
  exit 0
fi
rm -rf "$SYSROOT.tmp"
mkdir -p "$SYSROOT.tmp"
for deb in "${debfiles[@]}"; do
  dpkg-deb -x "$deb" "$SYSROOT.tmp"
done
cp "$MANIFEST.tmp" "$SYSROOT.tmp/.manifest"
rm -rf "$SYSROOT"
mv "$SYSROOT.tmp" "$SYSROOT"
mv "$MANIFEST.tmp" "$MANIFEST"
echo "fetch-debs: $(wc -l <"$MANIFEST") packages extracted into $SYSROOT"
