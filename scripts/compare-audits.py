#!/usr/bin/env python3
"""compare-audits.py DATA_A DATA_B: the per-feature results of two audits (each data folder's one audit, its
progress.log) key by key, and their mean simulation scores. Exit status 1 when any per-feature result differs.

Floats are compared exactly. The mean is printed two ways: summed in log order (what the audit's report prints; the
order in which features finish differs between runs with 2 workers, so its last digit may too) and summed exactly
(math.fsum) in feature order, which depends only on the per-feature values."""
import glob, json, math, sys


def load(d):
    logs = glob.glob(d + '/audits/*/progress.log')
    if len(logs) != 1:
        sys.exit(f"{d}: expected one audit, found {len(logs)}")
    out, order = {}, []
    for line in open(logs[0], encoding='utf-8'):
        if not line.endswith('\n'):
            continue  # a torn last line
        e = json.loads(line)
        if e['feature'] in out:
            sys.exit(f"{d}: {e['feature']} logged twice")
        out[e['feature']] = e
        order.append(e['feature'])
    return out, order


def sims(entries, order):
    return [entries[f]['result']['simulation'] for f in order
            if entries[f]['ok'] and entries[f]['result'] and entries[f]['result'].get('simulation') is not None]


(a, ao), (b, bo) = load(sys.argv[1]), load(sys.argv[2])
print(f"features {len(a)} {len(b)}; same set: {set(a) == set(b)}")
diff = []
for f in sorted(set(a) & set(b)):
    ea, eb = a[f], b[f]
    if ea['ok'] != eb['ok'] or ea.get('error') != eb.get('error'):
        diff.append((f, 'ok/error', (ea['ok'], eb['ok'])))
        continue
    ra, rb = ea.get('result') or {}, eb.get('result') or {}
    for k in sorted(set(ra) | set(rb)):
        if ra.get(k) != rb.get(k):
            diff.append((f, k, (ra.get(k), rb.get(k))))
print(f"per-feature values compared: every key of every result; differing: {len(diff)}")
for d in diff[:5]:
    print("  ", d)
sa, sb = sims(a, ao), sims(b, bo)
print(f"mean simulation, log order: {sum(sa) / len(sa)!r} {sum(sb) / len(sb)!r}")
print(f"mean simulation, exact sum: {math.fsum(sa) / len(sa)!r} {math.fsum(sb) / len(sb)!r}")
sys.exit(1 if diff or set(a) != set(b) else 0)
