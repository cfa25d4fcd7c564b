set -eu
# Restores the downloaded dump into a throw-away PostgreSQL inside this pod: its data directory and
# socket live in the pod's scratch volume and it listens on no TCP address, so nothing else can reach
# it. The real database is never touched (this pod has no credentials for it). Then the sanity check:
# every table the backup recorded exists, and every table that had rows still has rows.
name=$(cat "$BACKUP_DIR/name")
export PGDATA="$SCRATCH_DIR/data" PGHOST="$SCRATCH_DIR" PGUSER=drill PGDATABASE=drill
initdb --username=drill --auth=trust --no-sync > "$SCRATCH_DIR/initdb.log"
pg_ctl -w -l "$SCRATCH_DIR/server.log" -o "-c listen_addresses='' -c unix_socket_directories='$SCRATCH_DIR'" start > /dev/null
trap 'pg_ctl -w -m fast stop > /dev/null 2>&1 || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE drill'
if ! pg_restore --no-owner --no-acl --exit-on-error --dbname=drill "$BACKUP_DIR/db.dump"; then
  echo "RESTORE DRILL FAILED: $name does not restore (pg_restore failed above)" >&2
  exit 1
fi
failed=0
checked=0
tab=$(printf '\t')
while IFS="$tab" read -r had table; do
  [ -n "$table" ] || continue
  checked=$((checked + 1))
  if ! has=$(psql -X -At -v ON_ERROR_STOP=1 -c "SELECT EXISTS (SELECT 1 FROM $table)" 2>&1); then
    echo "RESTORE DRILL FAILED: table $table is missing from the restored copy of $name" >&2
    failed=1
  elif [ "$had" = t ] && [ "$has" != t ]; then
    echo "RESTORE DRILL FAILED: table $table had rows when it was backed up and is empty after the restore of $name" >&2
    failed=1
  fi
done < "$BACKUP_DIR/tables.txt"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "restore drill passed: $name restored into a scratch database, $checked tables checked" | tee "$BACKUP_DIR/report"
