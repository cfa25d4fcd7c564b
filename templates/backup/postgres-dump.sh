set -eu
# Dumps the app's database as the app's own user (PGUSER/PGPASSWORD; never the superuser) into this
# pod's scratch volume; the upload container sends it off the cluster. Any failure fails the Job.
cd "$BACKUP_DIR"
# Which tables have rows, for the restore drill's sanity check: one line per user table, "t" or "f",
# a tab, then its quoted name. EXISTS reads at most one row, however big the table. Listed before the
# dump, so a table created during the dump is not held against it.
psql -X -q -At -v ON_ERROR_STOP=1 -F "$(printf '\t')" -o tables.partial <<'SQL'
SELECT format('SELECT EXISTS (SELECT 1 FROM %I.%I), %L', n.nspname, c.relname, format('%I.%I', n.nspname, c.relname))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname
\gexec
SQL
# Custom format: compressed, and pg_restore can restore all of it or single tables.
pg_dump --format=custom --file=db.dump.partial
mv tables.partial tables.txt
mv db.dump.partial db.dump
echo "dumped $PGDATABASE: $(wc -c < db.dump) bytes, $(wc -l < tables.txt) tables"
