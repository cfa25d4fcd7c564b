#!/usr/bin/env bash
# The whole test suite: installs the real validators the tests use (into target/venv),
# then runs every Rust test. This is what CI runs (.ci/run) and what the README names.
set -euo pipefail
cd "$(dirname "$0")/.."

# Programs the tests drive: a real terminal (tmux), openssl for test certificates, git for commit
# SHAs, the compilers/parsers that check the go, php and jvm skeletons (gofmt, php -l, javac), and
# Prometheus' promtool for the generated alerts, and rclone (the S3 client of the generated backup
# CronJobs, tests/integration/backup.rs).
# Debian packages, installed only when missing.
missing=""
for pair in tmux:tmux openssl:openssl git:git gofmt:golang-go php:php-cli javac:openjdk-17-jdk-headless promtool:prometheus rclone:rclone; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
# A real PostgreSQL server runs the generated init script (tests/integration/dbuser.rs); Debian keeps
# its programs in /usr/lib/postgresql/<version>/bin, off PATH.
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  missing="$missing postgresql"
fi
if [ -n "$missing" ]; then
  echo "==> installing$missing (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

venv=target/venv
stamp=$venv/.installed
if [ ! -f "$stamp" ] || ! cmp -s tests/tools/requirements.txt "$stamp"; then
  echo "==> installing test validators into $venv (tests/tools/requirements.txt)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/tools/requirements.txt
  cp tests/tools/requirements.txt "$stamp"
fi
export VIBE_TEST_VENV="$PWD/$venv"

# An independent kubeseal-compatible encryptor (npm) the seal tests compare vibe's output with.
npm_tools=target/npm-tools
kubeseal_encrypt_version=1.0.1
if ! grep -qs "\"version\": \"$kubeseal_encrypt_version\"" "$npm_tools/node_modules/@linode/kubeseal-encrypt/package.json"; then
  echo "==> installing @linode/kubeseal-encrypt@$kubeseal_encrypt_version into $npm_tools"
  npm install --prefix "$npm_tools" --no-save --no-audit --no-fund --loglevel=error "@linode/kubeseal-encrypt@$kubeseal_encrypt_version"
fi
export VIBE_TEST_NPM_TOOLS="$PWD/$npm_tools"
export PATH="$PWD/$venv/bin:$PATH"

# Test inputs a fixture's own .gitignore hides (a .env, say) pass here and vanish from a clean
# clone: refuse them so they are committed with `git add -f`.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  hidden=$(git ls-files --others --ignored --exclude-standard -- tests | grep -v "\.pending-snap$" || true)
  if [ -n "$hidden" ]; then
    echo "error: test inputs ignored by git (a clean clone would not have them); add them with git add -f:" >&2
    echo "$hidden" >&2
    exit 1
  fi
fi

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings
# The cluster client (kube) is a default-on feature: the rest must build and lint without it.
echo "==> cargo clippy --no-default-features"
cargo clippy --no-default-features --all-targets --quiet -- -D warnings
echo "==> cargo test"
# Tests that cannot run on this machine (the real corpus lives in ../shared, which a user's clone
# does not have) record themselves here; they are reported as skipped, never as passed.
export VIBE_SKIP_LOG="$PWD/target/test-skips.txt"
: > "$VIBE_SKIP_LOG"
status=0
cargo test --quiet 2>&1 | tee target/test-output.txt || status=$?
# cargo test prints one "test result" line per test binary; add them up for one closing line.
awk -v skiplog="$VIBE_SKIP_LOG" '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
  END {
    while ((getline line < skiplog) > 0) { split(line, part, "\t"); n[part[2]]++; k++ }
    # One reason alone reads "2 skipped: no real corpus"; several are counted each.
    why = ""; kinds = 0
    for (r in n) kinds++
    for (r in n) why = why (why == "" ? ": " : ", ") ((kinds > 1 || s > 0) ? n[r] " " : "") r
    printf "%d passed, %d failed, %d skipped%s\n", p - k, f, s + k, why
  }' target/test-output.txt
exit "$status"
