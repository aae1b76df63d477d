#!/bin/bash
# How search latency depends on how much of the index the page cache holds: runs `lantern bench search --reuse` on an
# existing index inside a memory cgroup of each limit given (bytes, or "none"), after dropping the page cache, and
# prints each mode's latency and major page faults, the JVM's peak anonymous memory, and how much of each index file
# kind (vec float vectors, veq quantized vectors, vex graph, other) was cached at the end.
#
#   sudo scripts/page-cache-bench.sh DIR DOCS LIMIT...        e.g. DIR=/work/idx1m-layers DOCS=1000000 3000000000 2800000000
#
# Needs root (drop_caches, cgroups), a cgroup v1 memory controller or cgroup v2 with memory enabled, and fincore
# (util-linux). Environment: MODES (e.g. vector), QUERIES (default 300), LOCK=1 to lock the quantized vectors and the
# graph (*.veq, *.vex) into memory inside the same cgroup first (vmtouch -l), BENCH_OPTS for further bench options.
# Nothing here changes the index; the cgroup is removed at the end.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 DIR DOCS LIMIT... (LIMIT in bytes, or none)" >&2; exit 2; }
DIR=$1 DOCS=$2; shift 2
[ -d "$DIR" ] || { echo "no index at $DIR" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "needs root (drop_caches and cgroups)" >&2; exit 2; }
command -v fincore >/dev/null || { echo "needs fincore (util-linux)" >&2; exit 2; }
cd "$(dirname "$0")/.."
if [ -d /sys/fs/cgroup/memory ]; then
  CG=/sys/fs/cgroup/memory/lantern-page-cache; LIMIT_FILE=memory.limit_in_bytes; UNLIMITED=-1
  anon() { grep '^total_rss ' $CG/memory.stat | cut -d' ' -f2; }
elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  CG=/sys/fs/cgroup/lantern-page-cache; LIMIT_FILE=memory.max; UNLIMITED=max
  anon() { grep '^anon ' $CG/memory.stat | cut -d' ' -f2; }
else
  echo "no cgroup memory controller found" >&2; exit 2
fi
mkdir -p $CG
trap 'rmdir $CG 2>/dev/null || true' EXIT
for limit in "$@"; do
  sync; echo 3 > /proc/sys/vm/drop_caches
  echo $UNLIMITED > $CG/$LIMIT_FILE
  [ "$limit" != none ] && echo "$limit" > $CG/$LIMIT_FILE
  echo "== limit $limit, $(date +%T), load $(cut -d' ' -f1 /proc/loadavg)"
  if [ -n "${LOCK:-}" ]; then
    command -v vmtouch >/dev/null || { echo "LOCK needs vmtouch" >&2; exit 2; }
    sh -c "echo \$\$ > $CG/cgroup.procs; exec vmtouch -q -l -d -P /tmp/lantern-vmtouch.pid $DIR/*.veq $DIR/*.vex"
    sleep 3
    echo "   locked: $(vmtouch $DIR/*.veq $DIR/*.vex | grep Resident)"
  fi
  peak=/tmp/lantern-page-cache-anon; echo 0 > $peak
  ( while sleep 0.5; do a=$(anon); [ "$a" -gt "$(cat $peak)" ] && echo "$a" > $peak; done ) & sampler=$!
  sh -c "echo \$\$ > $CG/cgroup.procs; exec env LANTERN_HEAP=\${LANTERN_HEAP:-1g} ./lantern bench search --docs $DOCS --format int8 \
      --vectors blended --dir $DIR --reuse --queries ${QUERIES:-300} --recall-queries 0 ${MODES:+--modes $MODES} ${BENCH_OPTS:-}" 2>&1 \
    | grep --line-buffered -E "wall p50|major page faults|index:|page cache|warning:"
  kill $sampler
  echo "   the JVM's peak anonymous memory: $(( $(cat $peak) / 1000000 )) MB"
  if [ -n "${LOCK:-}" ]; then kill "$(cat /tmp/lantern-vmtouch.pid)"; sleep 1; fi
  fincore -b -n -o RES,FILE "$DIR"/* | awk '{f=$2; k=(f ~ /vec$/ ? "vec" : f ~ /veq$/ ? "veq" : f ~ /vex$/ ? "vex" : "other");
      r[k]+=$1} END {printf "   cached at the end:"; for (k in r) printf " %s %.0f MB", k, r[k]/1e6; print ""}'
done
