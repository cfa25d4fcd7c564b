set -eu
# Restores the downloaded dump into a throw-away mongod inside this pod: its data lives in the pod's
# scratch volume and it listens on the pod's loopback only, so nothing else can reach it. The real
# database is never touched (this pod has no credentials for it). Then the sanity check: every
# collection the backup recorded exists, and every one that had documents still has some.
name=$(cat "$BACKUP_DIR/name")
mkdir -p "$SCRATCH_DIR/data"
mongod --dbpath "$SCRATCH_DIR/data" --bind_ip 127.0.0.1 --port 27017 --unixSocketPrefix "$SCRATCH_DIR" \
  --fork --logpath "$SCRATCH_DIR/mongod.log" > /dev/null
trap 'mongod --dbpath "$SCRATCH_DIR/data" --shutdown > /dev/null 2>&1 || true' EXIT
if ! mongorestore --host=127.0.0.1 --port=27017 --archive="$BACKUP_DIR/db.dump" --gzip --quiet; then
  echo "RESTORE DRILL FAILED: $name does not restore (mongorestore failed above)" >&2
  exit 1
fi
if ! DRILL_NAME="$name" mongosh --quiet --norc --host 127.0.0.1 --port 27017 --eval '
  const e = process.env;
  const lines = require("fs").readFileSync(e.BACKUP_DIR + "/tables.txt", "utf8").split("\n").filter((l) => l.length > 0);
  const d = db.getSiblingDB(e.MONGO_DB);
  const present = new Set(d.getCollectionNames());
  let failed = 0;
  for (const line of lines) {
    const tab = line.indexOf("\t");
    const had = line.slice(0, tab);
    const coll = line.slice(tab + 1);
    if (!present.has(coll)) {
      print("RESTORE DRILL FAILED: collection " + coll + " is missing from the restored copy of " + e.DRILL_NAME);
      failed++;
    } else if (had === "t" && d.getCollection(coll).findOne() === null) {
      print("RESTORE DRILL FAILED: collection " + coll + " had documents when it was backed up and is empty after the restore of " + e.DRILL_NAME);
      failed++;
    }
  }
  if (failed > 0) quit(1);
  print("restore drill passed: " + e.DRILL_NAME + " restored into a scratch database, " + lines.length + " collections checked");
' > "$BACKUP_DIR/check.log"; then
  cat "$BACKUP_DIR/check.log" >&2
  exit 1
fi
mv "$BACKUP_DIR/check.log" "$BACKUP_DIR/report"
cat "$BACKUP_DIR/report"
