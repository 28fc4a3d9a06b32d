#!/usr/bin/env bash
# Restore BACKUP_FILE (made by backup.sh) into the database of RESTORE_DATABASE_URL, or of
# DATABASE_URL when that is not set, in one transaction: all of it or, on any error, nothing.
# Refuses a database that already has tables unless FORCE=1, which replaces the tables the backup
# holds (other tables are kept).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/pg_connection.sh
source "$root/scripts/pg_connection.sh"

if [[ -z ${BACKUP_FILE:-} ]]; then
  echo "Name the backup to restore: make restore BACKUP_FILE=var/backups/peercare-....dump" >&2
  exit 2
fi
if [[ ! -r $BACKUP_FILE ]]; then
  echo "$BACKUP_FILE: no such file, or it cannot be read" >&2
  exit 2
fi
if ! pg_restore --list "$BACKUP_FILE" >/dev/null; then
  echo "$BACKUP_FILE is not a backup made by make backup (pg_dump's custom format)" >&2
  exit 2
fi

target_variable=RESTORE_DATABASE_URL
[[ -n ${RESTORE_DATABASE_URL:-} ]] || target_variable=DATABASE_URL
if [[ -z ${!target_variable:-} ]]; then
  echo "Set DATABASE_URL (or RESTORE_DATABASE_URL) to the PostgreSQL database to restore into" >&2
  exit 2
fi
pg_connect "${!target_variable}" "$target_variable" || exit 2

tables=$(psql --dbname="$PG_URL" --no-psqlrc --quiet --tuples-only --no-align \
  --set=ON_ERROR_STOP=1 --command="
    SELECT count(*) FROM pg_class JOIN pg_namespace ON pg_namespace.oid = relnamespace
    WHERE relkind IN ('r', 'p')
      AND nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%'")
options=(--single-transaction --no-owner --exit-on-error)
if [[ $tables -gt 0 ]]; then
  if [[ ${FORCE:-} != 1 ]]; then
    if [[ $tables -eq 1 ]]; then counted="1 table" them=it; else counted="$tables tables" them=them; fi
    echo "Refusing to restore: database $PG_DATABASE already has $counted, and restoring over" \
      "$them would replace live data with the backup's. Restore into an empty database" \
      "(createdb), or run again with FORCE=1 to replace the backup's tables." >&2
    exit 1
  fi
  options+=(--clean --if-exists)
fi
pg_restore "${options[@]}" --dbname="$PG_URL" "$BACKUP_FILE"
echo "Restored $BACKUP_FILE into database $PG_DATABASE"
