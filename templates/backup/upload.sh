set -eu
# Sends the dump to the platform's object storage (outside the cluster) as
# <bucket>/<namespace>/<store>/<UTC time>.dump, its table list beside it, then deletes old dumps.
# The storage is the rclone remote "offsite", configured by the RCLONE_CONFIG_OFFSITE_* variables.
remote="offsite:$BACKUP_BUCKET/$BACKUP_PREFIX"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# The table list first: a .dump in the bucket always has its .tables beside it.
rclone copyto "$BACKUP_DIR/tables.txt" "$remote/$stamp.tables"
rclone copyto "$BACKUP_DIR/db.dump" "$remote/$stamp.dump"
echo "uploaded $BACKUP_BUCKET/$BACKUP_PREFIX/$stamp.dump"

# Retention: the newest dump of each of the last KEEP_DAILY days that have one, and of each of the last
# KEEP_WEEKLY ISO weeks that have one, stay; every other dump (and its table list) is deleted. Only
# names this job writes are considered; the dump just uploaded always stays.
rclone lsf --files-only "$remote" > "$BACKUP_DIR/listing"
sort -r "$BACKUP_DIR/listing" | awk -v daily="$KEEP_DAILY" -v weekly="$KEEP_WEEKLY" -v current="$stamp" '
  # Days since 1970-01-01 of a calendar date (proleptic Gregorian).
  function epoch_day(y, m, d,   era, yoe, doy) {
    if (m <= 2) { y -= 1; m += 12 }
    era = int(y / 400); yoe = y - era * 400
    doy = int((153 * (m - 3) + 2) / 5) + d - 1
    return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
  }
  # ISO 8601 week of a date, as YYYYWW: the week belongs to the year of its Thursday.
  function iso_week(y, m, d,   n, thursday, wy) {
    n = epoch_day(y, m, d)
    thursday = n - ((n + 3) % 7) + 3
    wy = y
    if (thursday < epoch_day(wy, 1, 1)) wy -= 1
    else if (thursday >= epoch_day(wy + 1, 1, 1)) wy += 1
    return wy * 100 + int((thursday - epoch_day(wy, 1, 1)) / 7) + 1
  }
  { names[NR] = $0 }
  END {
    stamp = "^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z"
    for (i = 1; i <= NR; i++) {
      name = names[i]
      if (name !~ (stamp "\\.dump$")) continue
      base = substr(name, 1, 16)
      y = substr(name, 1, 4) + 0; m = substr(name, 5, 2) + 0; d = substr(name, 7, 2) + 0
      day = substr(name, 1, 8); week = iso_week(y, m, d)
      keep = (base == current)
      if (!(day in days)) { days[day] = 1; if (++ndays <= daily) keep = 1 }
      if (!(week in weeks)) { weeks[week] = 1; if (++nweeks <= weekly) keep = 1 }
      if (keep) kept[base] = 1
      else print name
    }
    for (i = 1; i <= NR; i++) {
      name = names[i]
      if (name ~ (stamp "\\.tables$") && !(substr(name, 1, 16) in kept) && substr(name, 1, 16) != current) print name
    }
  }' > "$BACKUP_DIR/expired"
while read -r name; do
  rclone deletefile "$remote/$name"
  echo "deleted $BACKUP_BUCKET/$BACKUP_PREFIX/$name (retention: $KEEP_DAILY daily, $KEEP_WEEKLY weekly)"
done < "$BACKUP_DIR/expired"
