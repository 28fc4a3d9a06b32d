#!/usr/bin/env bash
# Back up the PostgreSQL database of DATABASE_URL with pg_dump in its custom format (compressed;
# pg_restore can restore all of it or single tables). Writes BACKUP_FILE, by default
# var/backups/peercare-<UTC time>.dump, readable by its owner only: it holds personal data.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/pg_connection.sh
source "$root/scripts/pg_connection.sh"

if [[ -z ${DATABASE_URL:-} ]]; then
  echo "DATABASE_URL is not set: backups are of PostgreSQL databases. (Without it PeerCare" \
    "uses the SQLite file var/peercare.sqlite3; copy that file while PeerCare is stopped.)" >&2
  exit 2
fi
pg_connect "$DATABASE_URL" DATABASE_URL || exit 2

file=${BACKUP_FILE:-$root/var/backups/peercare-$(date -u +%Y%m%dT%H%M%SZ).dump}
if [[ -e $file ]]; then
  echo "$file already exists: choose another BACKUP_FILE, or move that one away first" >&2
  exit 2
fi
umask 077
mkdir -p "$(dirname "$file")"
# Dump to a temporary name beside the file and rename it only once the archive reads back, so a
# failed or interrupted dump never leaves a file that looks like a backup.
partial=$(mktemp "$file.partial.XXXXXX")
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --dbname="$PG_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$file"
trap - EXIT
echo "Backed up database $PG_DATABASE to $file ($(du -h "$file" | cut -f1))"
