#!/usr/bin/env bash
# Records what vibe prints for every review and fix fixture, so a refactoring can prove that
# behaviour did not change: run it before (into one folder) and after (into another), then
# `diff -r BEFORE AFTER` must print nothing.
#
#   bash tests/tools/record_outputs.sh target/outputs-before            # with target/debug/vibe
#   VIBE_BIN=target/release/vibe bash tests/tools/record_outputs.sh DIR
#
# For each fixture (a review fixture's folder, a fix fixture's before/): `review --format json`, `review` (text),
# `review --format sarif`, `review --format github`, and `review --fix --dry-run` on a copy; each
# output file ends with the exit status. Each fixture is copied outside the checkout and its path
# replaced by FIXTURE, so neither the folder nor the current commit shows in the outputs.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: record_outputs.sh OUTPUT_DIR}
bin=${VIBE_BIN:-target/debug/vibe}
[ -x "$bin" ] || { echo "no vibe binary at $bin (cargo build first, or set VIBE_BIN)" >&2; exit 2; }
bin=$(readlink -f "$bin")
rm -rf "$out" && mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export NO_COLOR=1
unset VIBE_PLATFORM
count=0
while IFS= read -r dir; do
  name=$(echo "${dir#tests/fixtures/}" | tr '/' '_')
  # Reviewed from a copy outside this git checkout: inside it, fix texts would name the checkout's
  # current commit (the image tag), so two recordings at different commits would differ.
  rm -rf "$scratch/copy" && cp -a "$dir" "$scratch/copy"
  record() { # record FILE CMD...: output of CMD with its exit status, fixture path made neutral
    local file=$1; shift
    { "$@" 2>&1 || echo "exit $?"; } | sed "s#$scratch/copy#FIXTURE#g" > "$out/$name.$file"
  }
  record json "$bin" review "$scratch/copy" --format json
  record text "$bin" review "$scratch/copy"
  record sarif "$bin" review "$scratch/copy" --format sarif
  record github "$bin" review "$scratch/copy" --format github
  record fix-dry-run "$bin" --dir "$scratch/copy" review --fix --dry-run
  count=$((count + 1))
done < <({ find tests/fixtures/review -name expect.txt -exec dirname {} \; ; find tests/fixtures/fix -mindepth 2 -maxdepth 2 -type d -name before; } | sort)
# The catalogue as printed: `vibe checks` and `vibe explain` for every check.
{ "$bin" checks 2>&1 || echo "exit $?"; } > "$out/_checks.text"
for id in $("$bin" checks 2>/dev/null | grep -oE '^ *[A-HPS][0-9]+' | tr -d ' '); do
  { "$bin" explain "$id" 2>&1 || echo "exit $?"; } > "$out/_explain.$id"
done
echo "recorded $count fixtures into $out"
