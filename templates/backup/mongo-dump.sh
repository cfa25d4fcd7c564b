set -eu
# Dumps the app's database as the app's own user (authSource admin; never root) into this pod's
# scratch volume; the upload container sends it off the cluster. Any failure fails the Job.
cd "$BACKUP_DIR"
umask 077
# The password reaches mongodump through a config file in the scratch volume, never the command line.
printf "password: '%s'\n" "$(printf '%s' "$MONGO_PASSWORD" | sed "s/'/''/g")" > auth.yaml
# Which collections have documents, for the restore drill's sanity check: "t" or "f", a tab, the name.
mongosh --nodb --quiet --norc --eval '
  const e = process.env;
  const uri = "mongodb://" + encodeURIComponent(e.MONGO_USER) + ":" + encodeURIComponent(e.MONGO_PASSWORD) +
    "@" + e.MONGO_HOST + ":" + e.MONGO_PORT + "/?authSource=admin";
  const d = new Mongo(uri).getDB(e.MONGO_DB);
  for (const name of d.getCollectionNames().sort()) {
    if (name.startsWith("system.")) continue;
    print((d.getCollection(name).findOne({}, { _id: 1 }) !== null ? "t" : "f") + "\t" + name);
  }' > tables.partial
mongodump --host="$MONGO_HOST" --port="$MONGO_PORT" --username="$MONGO_USER" --authenticationDatabase=admin \
  --config=auth.yaml --db="$MONGO_DB" --archive=db.dump.partial --gzip
rm -f auth.yaml
mv tables.partial tables.txt
mv db.dump.partial db.dump
echo "dumped $MONGO_DB: $(wc -c < db.dump) bytes, $(wc -l < tables.txt) collections"
