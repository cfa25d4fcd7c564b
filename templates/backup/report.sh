set -eu
cat "$BACKUP_DIR/report"
