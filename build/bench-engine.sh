#!/usr/bin/env bash
# `make bench-engine` (part of `make bench`): System Docker's figures, measured with dist/ros system-dockerd started
# for the bench (needs root, crun, the docker CLI and Debian's docker-registry; no ISO):
#   - median latency of `run --rm IMAGE true` through the API (tools/Bench --engine-run: the requests the docker CLI
#     makes for it, create/attach/wait/start, from one client process that stays up, so no client start is charged to
#     the engine), next to `crun run` of an equivalent bundle (the same busybox rootfs, host network as the engine's
#     default) started by the same client, one run of each in turn; for reference the same through the docker CLI and
#     the CLI's own floor (`docker version`);
#   - the engine's idle RSS (VmRSS after start and one run, then 2 s idle), split into anonymous memory (the GC heap,
#     stacks: the engine's own) and file pages (ros's code and type data, libc, libcrypto: shared with every process
#     mapping the same files; ros is linked without dehydration or PIE so its type data stays such a file page);
#   - median latency of `docker ps -a` with 200 created containers;
#   - pull throughput of a 50 MiB random layer from a local docker-registry on 127.0.0.1 (pushed by the engine first).
# It runs in a private mount namespace: on a host whose /sys/fs/cgroup is not unified, with only cgroup2 mounted there,
# as the engine tests do; and with its work directory (the engine's data and exec roots, the crun bundle) on a tmpfs,
# as System Docker's data root is on the RAM root in CorralOS (docs/init.md), so the host disk's journal and
# writeback do not weigh on the figures. Figures only, no assertions. BENCH_ENGINE_RUNS (default 20) runs per latency
# figure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z ${CORRALOS_BENCH_NS:-} ]]; then
  export CORRALOS_BENCH_NS=1
  exec unshare --mount --propagation private -- sh -c '
    if [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then mount -t cgroup2 none /sys/fs/cgroup || exit 1; fi
    exec "$0" "$@"' "$0" "$@"
fi

ROS=$(realpath "${ROS:-${DIST:-dist}/ros}")
RUNS=${BENCH_ENGINE_RUNS:-20}
BUSYBOX=${BUSYBOX:-}
for candidate in ${OUT:-out}/sysroot/bin/busybox /bin/busybox /usr/bin/busybox; do
  [[ -n $BUSYBOX || ! -x $candidate ]] || BUSYBOX=$(realpath "$candidate")
done
[[ -x $ROS ]] || { echo "bench-engine: no $ROS (make ros)" >&2; exit 1; }
[[ -n $BUSYBOX ]] || { echo "bench-engine: no static busybox (make, or install busybox-static)" >&2; exit 1; }
export DOCKER_CONFIG=${DOCKER_CONFIG:-/tmp/corralos-docker-config}
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
DOTNET=${DOTNET:-dotnet}
built=$("$DOTNET" build tools/Bench/CorralOS.Bench.csproj -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" 2>&1) || { echo "$built" >&2; exit 1; }
bench_dll=$("$DOTNET" msbuild tools/Bench/CorralOS.Bench.csproj -nologo -getProperty:TargetPath -p:Configuration=Release | tail -1)

tmp=$(mktemp -d /tmp/corralos-bench-engine.XXXXXX)
mount -t tmpfs -o mode=0700 tmpfs "$tmp"
daemon=
registry=
cleanup() {
  [[ -z $daemon ]] || { kill -TERM "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true; }
  [[ -z $registry ]] || { kill -TERM "$registry" 2>/dev/null; wait "$registry" 2>/dev/null || true; }
  umount -l "$tmp" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

sock=$tmp/engine.sock
dk() { docker -H "unix://$sock" "$@"; }
# Wall clock in microseconds from bash itself (no `date` process inside a measured interval).
us() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }
# Median of the numbers on stdin (microseconds), printed in milliseconds with one decimal.
median_ms() { sort -n | awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'; }
# Runs "$@" RUNS times and prints the median wall time in ms.
time_ms() {
  local i t0 t1
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}; "$@" >/dev/null; t1=${EPOCHREALTIME/./}
    echo $((10#$t1 - 10#$t0))
  done | median_ms
}

# A docker-save archive from layer directories: image.tar NAME:TAG DIR...
save_archive() {
  local out=$1 tag=$2 dir=$tmp/archive diff_ids=() layers=() i=0 d sum config
  shift 2
  rm -rf "$dir"; mkdir -p "$dir"
  for d in "$@"; do
    tar --owner=0 --group=0 --numeric-owner -C "$d" -cf "$dir/layer$i.tar" .
    sum=$(sha256sum "$dir/layer$i.tar" | cut -d' ' -f1)
    diff_ids+=("\"sha256:$sum\""); layers+=("\"layer$i.tar\""); i=$((i + 1))
  done
  config=$(IFS=,; echo "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[${diff_ids[*]}]}}")
  sum=$(printf %s "$config" | sha256sum | cut -d' ' -f1)
  printf %s "$config" >"$dir/$sum.json"
  (IFS=,; echo "[{\"Config\":\"$sum.json\",\"RepoTags\":[\"$tag\"],\"Layers\":[${layers[*]}]}]") >"$dir/manifest.json"
  tar -C "$dir" -cf "$out" .
}

# The busybox rootfs (image layer and crun bundle alike).
rootfs=$tmp/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev}
cp "$BUSYBOX" "$rootfs/bin/busybox"
for applet in sh true cat sleep; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
save_archive "$tmp/busybox.tar" bench/busybox:latest "$rootfs"

"$ROS" system-dockerd --host "unix://$sock" --data-root "$tmp/data" --exec-root "$tmp/exec" --log-file "$tmp/engine.log" &
daemon=$!
for ((i = 0; i < 200; i++)); do [[ ! -e $tmp/exec/system-dockerd.pid ]] || break; sleep 0.05; done
[[ -e $tmp/exec/system-dockerd.pid ]] || { echo "bench-engine: the engine did not start:" >&2; cat "$tmp/engine.log" >&2; exit 1; }
dk load -q -i "$tmp/busybox.tar" >/dev/null
dk run --rm bench/busybox true
sleep 2
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$daemon/status")
rss_anon_kb=$(awk '/^RssAnon:/ { print $2 }' "/proc/$daemon/status")
rss_file_kb=$(awk '/^RssFile:/ { print $2 }' "/proc/$daemon/status")

# crun alone: the same rootfs, no terminal, host network (the engine's default), its own --root.
bundle=$tmp/bundle
mkdir -p "$bundle"
ln -s "$rootfs" "$bundle/rootfs"
(cd "$bundle" && crun spec)
# Without device rules when the engine runs without them (no CAP_SYS_RESOURCE here, see docs/system-docker.md).
devices='.'
! grep -q 'without cgroup device rules' "$tmp/engine.log" || devices='del(.linux.resources.devices)'
jq '.process.args = ["true"] | .process.terminal = false | .root.readonly = false
    | .linux.namespaces |= map(select(.type != "network"))' "$bundle/config.json" | jq "$devices" >"$bundle/config.tmp"
mv "$bundle/config.tmp" "$bundle/config.json"
# One API run, then one crun run, and again: alternating, so the host's load weighs on both figures alike.
"$DOTNET" "$bench_dll" --engine-run "$sock" bench/busybox --crun-baseline "$bundle" "$tmp/crun" --runs "$RUNS" >"$tmp/pairs"
api_ms=$(awk '{ print $1 }' "$tmp/pairs" | median_ms)
crun_ms=$(awk '{ print $2 }' "$tmp/pairs" | median_ms)
run_ms=$(time_ms dk run --rm bench/busybox true)
cli_ms=$(time_ms dk version --format '{{.Server.Version}}')

for ((i = 0; i < 200; i++)); do dk create bench/busybox true >/dev/null; done
listed=$(dk ps -a -q | wc -l)
ps_ms=$(time_ms dk ps -a)

# Pull throughput: a 50 MiB random layer over the busybox one, pushed to a local registry by the engine, removed, pulled.
port=$((20000 + RANDOM % 20000))
mkdir -p "$tmp/registry" "$tmp/big"
cat >"$tmp/registry/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $tmp/registry/storage
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$tmp/registry/config.yml" >"$tmp/registry/log" 2>&1 &
registry=$!
for ((i = 0; i < 200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
head -c $((50 * 1024 * 1024)) /dev/urandom >"$tmp/big/random"
save_archive "$tmp/big.tar" bench/big:1 "$rootfs" "$tmp/big"
dk load -q -i "$tmp/big.tar" >/dev/null
remote=127.0.0.1:$port/bench/big:1
dk tag bench/big:1 "$remote"
push_t0=$(us); dk push "$remote" >/dev/null; push_t1=$(us)
pulls=()
for ((i = 0; i < 3; i++)); do
  dk rmi -f bench/big:1 "$remote" >/dev/null 2>&1 || true
  t0=$(us); dk pull -q "$remote" >/dev/null; t1=$(us)
  pulls+=($((t1 - t0)))
done
pull_ms=$(printf '%s\n' "${pulls[@]}" | median_ms)

ratio=$(awk -v a="$api_ms" -v b="$crun_ms" 'BEGIN { printf "%.2f", a / b }')
ratio_cli=$(awk -v a="$run_ms" -v b="$crun_ms" 'BEGIN { printf "%.2f", a / b }')
echo "== System Docker ($ROS system-dockerd, $RUNS runs per latency, medians)"
printf '%-44s %10s ms\n' "crun run (equivalent bundle)" "$crun_ms"
printf '%-44s %10s ms\n' "run --rm busybox true (API: create..wait)" "$api_ms"
printf '%-44s %10s x   (goal <= 1.5)\n' "run --rm through the API / crun" "$ratio"
printf '%-44s %10s ms  (%s x crun; client start included)\n' "docker run --rm busybox true (docker CLI)" "$run_ms" "$ratio_cli"
printf '%-44s %10s ms\n' "docker CLI floor (docker version)" "$cli_ms"
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
printf '%-44s %10s MB  (goal <= 30; anonymous %s MB, file %s MB)\n' "engine idle RSS (start + one run + 2 s)" "$(mb "$rss_kb")" "$(mb "$rss_anon_kb")" "$(mb "$rss_file_kb")"
printf '%-44s %10s ms\n' "docker ps -a with $listed containers" "$ps_ms"
printf '%-44s %10s ms\n' "push of a 50 MiB layer (engine to registry)" "$(awk -v a="$push_t0" -v b="$push_t1" 'BEGIN { printf "%.1f", (b - a) / 1e3 }')"
printf '%-44s %10s ms   (%s MiB/s)\n' "pull of a 50 MiB layer (median of 3)" "$pull_ms" "$(awk -v t="$pull_ms" 'BEGIN { printf "%.1f", 50 / (t / 1000) }')"
