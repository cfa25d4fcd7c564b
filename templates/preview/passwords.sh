# Writes fresh store passwords into the Secret named by the first argument (one key per further
# argument), only when that Secret does not exist yet: a preview keeps its passwords for its whole
# life, because its databases were initialised with them. Nothing is printed but key names.
set -eu
secret="$1"
shift
if kubectl get secret "$secret" -o name >/dev/null 2>"$HOME/get.err"; then
  echo "Secret $secret exists: its passwords stay as they are."
  exit 0
fi
if ! grep -q NotFound "$HOME/get.err"; then
  cat "$HOME/get.err" >&2
  echo "Cannot tell whether Secret $secret exists (see above); the Job tries again." >&2
  exit 1
fi
dir="$HOME/values"
mkdir -p "$dir"
# Each key's value goes into a file (never onto a command line), and the arguments become the
# matching --from-file options: one key is shifted off and its option appended per turn.
for key in "$@"; do
  shift
  # 32 letters and digits from the kernel's random source: safe in URLs, connection strings and shells.
  value=$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
  if [ "$(printf '%s' "$value" | wc -c)" -ne 32 ]; then
    echo "Could not generate a password for $key." >&2
    exit 1
  fi
  printf '%s' "$value" >"$dir/$key"
  set -- "$@" "--from-file=$key=$dir/$key"
done
if out=$(kubectl create secret generic "$secret" "$@" 2>&1); then
  echo "Created Secret $secret with fresh passwords ($# keys)."
  exit 0
fi
case "$out" in
  *AlreadyExists* | *"already exists"*)
    # Another run created it in the meantime: its passwords are the ones in use.
    echo "Secret $secret exists: its passwords stay as they are."
    exit 0
    ;;
esac
echo "$out" >&2
exit 1
