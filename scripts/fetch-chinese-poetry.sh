#!/usr/bin/env bash
# Fetches the Chinese poetry corpus (npm package chinese-poetry@2.0.1, MIT) into $1 (default ./lantern-data/corpora),
# checks it against the recorded SHA-256 and unpacks the part Lantern reads to $1/chinese-poetry: Tang shi
# (dist/quantangshi/poet.tang.*.json), the first 10,000 Song shi (poet.song.0-9000.json) and Song ci
# (dist/songci/ci.song.*.json), plus LICENSE and README. Idempotent; never committed.
set -euo pipefail
dest="${1:-./lantern-data/corpora}"
want=25b549e46919c3a0569db6b68ddc96956b04a484ea4518ad2bbd4f137e307e86
if [ -f "$dest/chinese-poetry/.complete" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to fetch the chinese-poetry corpus (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
tmp=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetching chinese-poetry@2.0.1 (85 MB) ..." >&2
(cd "$tmp" && npm pack --silent chinese-poetry@2.0.1 >/dev/null)
got=$(sha256sum "$tmp/chinese-poetry-2.0.1.tgz" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "chinese-poetry-2.0.1.tgz has SHA-256 $got, expected $want: refusing to use it" >&2; exit 1
fi
song=()
for n in 0 1000 2000 3000 4000 5000 6000 7000 8000 9000; do song+=("package/dist/quantangshi/poet.song.$n.json"); done
tar xzf "$tmp/chinese-poetry-2.0.1.tgz" -C "$tmp" --wildcards package/LICENSE package/README.md \
  'package/dist/quantangshi/poet.tang.*.json' 'package/dist/songci/ci.song.*.json' "${song[@]}"
touch "$tmp/package/.complete"
rm -rf "$dest/chinese-poetry"
mv "$tmp/package" "$dest/chinese-poetry"
echo "chinese-poetry ready in $dest/chinese-poetry ($(find "$dest/chinese-poetry/dist" -name '*.json' | wc -l) files)" >&2
