#!/usr/bin/env bash
# Makes the PNGs in screenshots/ from the real binary: tmux runs `vibe init` (and `vibe watch`) on a
# sample app, capture-pane keeps the colours, ansi_to_html.py renders them and headless Chromium
# takes the picture. Needs tmux, openssl, python3 and chromium (apt-get install tmux chromium).
# usage: screenshots/make.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/screenshots"
chromium="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$chromium" ] || { echo "chromium is needed: apt-get install chromium" >&2; exit 2; }
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
vibe="$repo/target/release/vibe"
work="$(mktemp -d)"
sock="vibe-shots-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# A small app like the ones creators bring: Python, Postgres and Redis, an API key read from the environment.
app="$work/inventory-checker"
mkdir -p "$app"
printf 'fastapi==0.115.0\nuvicorn==0.30.6\npsycopg[binary]==3.2.1\nredis==5.0.8\n' > "$app/requirements.txt"
printf '3.12\n' > "$app/.python-version"
cat > "$app/main.py" <<'PY'
import os
from fastapi import FastAPI

app = FastAPI()
API_KEY = os.environ["API_KEY"]


@app.get("/")
def hello():
    return {"hello": "world"}
PY
printf '.env\n' > "$app/.gitignore"
git -C "$app" init -q
git -C "$app" -c user.name=demo -c user.email=demo@example.com add -A
git -C "$app" -c user.name=demo -c user.email=demo@example.com commit -qm "first version"
# The platform's sealed-secrets certificate, so the secret typed in the wizard is sealed at once.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$app/sealed-secrets.pem" \
  -days 30 -subj "/CN=sealed-secret" 2>/dev/null
printf 'sealedSecrets:\n  certificate: sealed-secrets.pem\n' > "$app/platform.yaml"

tmux -L "$sock" new-session -d -s s -x 100 -y 34 "cd '$app' && NO_COLOR= '$vibe' --platform platform.yaml init; sleep 600"

screen() { tmux -L "$sock" capture-pane -p -t s; }
wait_for() { # wait until the screen shows $1
  for _ in $(seq 1 100); do screen | grep -qF -- "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for: $1" >&2; screen >&2; exit 1
}
keys() { tmux -L "$sock" send-keys -t s "$@"; sleep 0.3; }
shot() { # shot NAME TITLE
  tmux -L "$sock" capture-pane -e -p -t s > "$work/$1.ans"
  python3 "$out/ansi_to_html.py" "$work/$1.ans" "$work/$1.html" --title "$2"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/chrome" \
    --window-size=1010,690 --screenshot="$out/$1.png" "file://$work/$1.html" >/dev/null 2>&1
  echo "wrote screenshots/$1.png"
}

wait_for "What is the app called?"
keys "Inventory Checker" Enter
wait_for "Short name"
keys Enter
wait_for "What language"
shot 01-runtime "vibe init: the runtime, detected from the repo"
keys Enter
wait_for "database"
keys Enter
wait_for "What else"
keys Down Down Down Space
keys Enter
wait_for "How big"
keys Enter
wait_for "Number 1"
keys "How many orders were processed today?" Enter
wait_for "Measure it as"
shot 02-metric-suggestion "vibe init: a business metric suggested from a question"
keys Enter
wait_for "Number 2"
keys Enter
wait_for "passwords, keys or tokens"
keys Enter
wait_for "Any other secret names"
keys Enter
wait_for "Value of API_KEY"
keys "not-a-real-key-123" Enter
wait_for "Ready?"
shot 03-summary "vibe init: the summary, before anything is written"
keys Enter
for _ in $(seq 1 100); do screen | grep -qE "PASS|BLOCKED" && break; sleep 0.1; done
sleep 0.5
shot 04-review "vibe init: the review of the generated repo, in the live dashboard"
keys q
sleep 0.5

# The dashboard on a repo with problems: the app image tagged latest and a probe timeout of 1 s.
sed -i 's|\(image: .*/vibe/inventory-checker:\)[0-9a-f]*|\1latest|' "$app/k8s/08-app.yaml"
sed -i '0,/timeoutSeconds: 5/s//timeoutSeconds: 1/' "$app/k8s/08-app.yaml"
tmux -L "$sock" kill-server 2>/dev/null || true
sleep 1  # the old server must be gone before a new one takes the socket
tmux -L "$sock" new-session -d -s s -x 110 -y 34 "cd '$app' && '$vibe' --platform platform.yaml watch; sleep 600"
wait_for "BLOCKED"
sleep 0.5
shot 05-dashboard-blocked "vibe watch: blocked, findings grouped by area"
keys Enter
sleep 0.5
shot 06-dashboard-detail "vibe watch: a finding in detail, with the file excerpt and the fix"
keys Escape F
sleep 1
keys y
for _ in $(seq 1 100); do screen | grep -q "PASS" && break; sleep 0.1; done
sleep 0.5
shot 07-dashboard-passing "vibe watch: after F (fix every CRITICAL) the gate passes"
