#!/usr/bin/env bash
# bench-audit.sh: the seeded 300-neuron statistical audit (MiniLM layers 0-1, sample:300:1, --concurrency 2), main's
# build and this branch's build alternated in ROUNDS rounds (main's build also with 1 libtorch thread, the setting this
# branch makes the default), then every branch run's per-feature results compared with main's (scripts/compare-audits.py).
# FULL=1 then runs the whole statistical audit of all 9,216 MiniLM neurons (6 layers x 1,536) on the branch only.
#
# Each run gets a fresh copy of the collection (no index, no explanations). Rates: "job" = features / (job.json's
# finishedAt - startedAt), model loading included; "steady" = features after the first / time from the first to the
# last finished feature; CPU = the whole command's user + system seconds (JVM start and model loading included; on a
# shared machine a steadier comparison than the times). Runs are not niced unless NICE is set (e.g. NICE=19 on a shared machine).
# Env: MAIN_APP (main's quarkus-app; default /work/data-25e/app-main, built at the commit in its COMMIT file),
#      BRANCH_APP (default: this worktree's target/quarkus-app, built first if missing), DATA (default /work/data-25e:
#      activations/ + corpora/ for the sample, full/ for FULL=1), OUT (default /tmp/bench-audit), ROUNDS (default 2).
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MAIN_APP=${MAIN_APP:-/work/data-25e/app-main}
BRANCH_APP=${BRANCH_APP:-$PWD/target/quarkus-app}
DATA=${DATA:-/work/data-25e}
OUT=${OUT:-/tmp/bench-audit}
ROUNDS=${ROUNDS:-2}
[ -f "$BRANCH_APP/quarkus-run.jar" ] || ./mvnw -B -q -o -DskipTests package
rm -rf "$OUT" && mkdir -p "$OUT"
{ date -u; lscpu | grep 'Model name'; echo "cores: $(nproc)"; echo "main: $MAIN_APP ($(cat "$MAIN_APP/COMMIT" 2>/dev/null || echo '?'))";
  echo "branch: $BRANCH_APP ($(git rev-parse --short HEAD))"; } | tee "$OUT/env.txt"

run() { # run TAG APP THREADS DATASRC AUDIT-ARGS...
  local tag=$1 app=$2 th=$3 src=$4; shift 4
  local d=$OUT/$tag; mkdir -p "$d"; cp -r "$src/activations" "$src/corpora" "$d/"
  local load; load=$(uptime | sed 's/.*load average: //')
  /usr/bin/time -f "%e %U %S" -o "$d.wall" nice -n "${NICE:-0}" "$JAVA_HOME/bin/java" -Xmx8g --enable-native-access=ALL-UNNAMED \
    --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$th" -Dlantern.data-dir="$d" \
    -Dquarkus.http.host-enabled=false -Dquarkus.log.level=WARN -jar "$app/quarkus-run.jar" audit "$@" --out "$d-report" \
    > "$d.log" 2>&1 || echo "$tag: the audit exited with $?" | tee -a "$OUT/summary.txt"
  python3 - "$d" "$tag" "$load" "$(cat "$d.wall")" <<'PY' | tee -a "$OUT/summary.txt"
import glob, json, sys
d, tag, load, times = sys.argv[1:]
wall, user, system = (float(x) for x in times.split()[-3:])
job = json.load(open(glob.glob(d + '/audits/*/job.json')[0]))
ends = sorted(json.loads(l)['finishedAt'] for l in open(glob.glob(d + '/audits/*/progress.log')[0]) if l.endswith('\n'))
n = len(ends); secs = (job['finishedAt'] - job['startedAt']) / 1000
steady = (n - 1) / ((ends[-1] - ends[0]) / 60000) if n > 1 and ends[-1] > ends[0] else float('nan')
print(f"{tag:14s} {job['state']:5s} {n:5d} features in {secs:7.1f} s: {n / secs * 60:7.0f} neurons/min (job), "
      f"{steady:7.0f}/min (steady); command wall {wall:.0f} s, CPU {user + system:.0f} s; load before: {load}")
PY
}

sample=(--layers 0-1 --features sample:300:1 --concurrency 2)
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then order="main branch main-t1"; else order="main-t1 branch main"; fi
  for who in $order; do
    case $who in
      main) run "main-r$r" "$MAIN_APP" "$(nproc)" "$DATA" "${sample[@]}" ;;            # as ./lantern runs it
      main-t1) run "main-t1-r$r" "$MAIN_APP" 1 "$DATA" "${sample[@]}" ;;              # main, 1 libtorch thread a process
      branch) run "branch-r$r" "$BRANCH_APP" "$(nproc)" "$DATA" "${sample[@]}" ;;     # as ./lantern runs it
    esac
  done
done
echo "--- per-feature results, branch vs main (round 1)" | tee -a "$OUT/summary.txt"
for r in $(seq 1 "$ROUNDS"); do
  python3 scripts/compare-audits.py "$OUT/main-r1" "$OUT/branch-r$r" 2>&1 | sed "s/^/branch-r$r: /" | tee -a "$OUT/summary.txt" || true
done
python3 scripts/compare-audits.py "$OUT/main-r1" "$OUT/main-t1-r1" 2>&1 | sed "s/^/main-t1-r1: /" | tee -a "$OUT/summary.txt" || true
if [ "${FULL:-0}" = 1 ]; then
  run "branch-full" "$BRANCH_APP" "$(nproc)" "$DATA/full" --features all --concurrency 2
fi
echo "summary: $OUT/summary.txt"
