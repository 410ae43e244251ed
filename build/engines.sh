#!/usr/bin/env bash
# Builds the alternative User Docker engines (images/engines/*, docs/user-docker.md) into $DIST/engines/<IMAGE>.tar,
# as build/consoles.sh builds the persistent consoles: a cached debootstrap layer of Debian's packages plus the
# recipe's files. Not in the initrd: the ISO carries them, `ros engine switch/enable` copy one to the state disk.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
KIND=engines exec "$ROOT/build/consoles.sh" "$@"
