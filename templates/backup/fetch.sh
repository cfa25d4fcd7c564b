set -eu
# Downloads the newest dump (and its table list) from the platform's object storage for the drill.
remote="offsite:$BACKUP_BUCKET/$BACKUP_PREFIX"
rclone lsf --files-only "$remote" > "$BACKUP_DIR/listing"
latest=$(sed -n 's/^\([0-9]\{8\}T[0-9]\{6\}Z\)\.dump$/\1/p' "$BACKUP_DIR/listing" | sort | tail -n 1)
if [ -z "$latest" ]; then
  echo "RESTORE DRILL FAILED: there is no dump under $BACKUP_BUCKET/$BACKUP_PREFIX/ (has the backup ever run?)" >&2
  exit 1
fi
rclone copyto "$remote/$latest.dump" "$BACKUP_DIR/db.dump"
rclone copyto "$remote/$latest.tables" "$BACKUP_DIR/tables.txt"
echo "$BACKUP_BUCKET/$BACKUP_PREFIX/$latest.dump" > "$BACKUP_DIR/name"
echo "downloaded $BACKUP_BUCKET/$BACKUP_PREFIX/$latest.dump"
