# Sourced by backup.sh and restore.sh: a DATABASE_URL as the settings read it
# (postgres://user:password@host:5432/name) made into what the PostgreSQL tools take. The password
# goes to them in PGPASSWORD rather than in the URL, because any local user can read a process's
# command line (ps) but not its environment.

# percent_decode NAME TEXT: set the variable NAME to TEXT with its %XX escapes decoded, as
# Python's urllib.parse.unquote (which the settings use) does; a % not followed by two hex digits
# stays as it is.
percent_decode() {
  local -n decoded_text=$1
  local rest=$2 char
  decoded_text=""
  while [[ $rest == *%* ]]; do
    decoded_text+=${rest%%\%*}
    rest=${rest#*%}
    if [[ $rest =~ ^[0-9A-Fa-f]{2} ]]; then
      printf -v char "\\x${rest:0:2}"
      decoded_text+=$char
      rest=${rest:2}
    else
      decoded_text+=%
    fi
  done
  decoded_text+=$rest
}

# pg_connect URL WHAT: set PG_URL (the URL without its password, for --dbname) and PG_DATABASE
# (the database's name, for messages), and export PGPASSWORD when the URL holds a password.
# WHAT names the variable the URL came from, for the error message.
pg_connect() {
  local url=$1 what=$2
  local pattern='^(postgres|postgresql|pgsql|psql)://(([^/?#]*)@)?([^@/?#]*)/([^?#]+)(\?[^#]*)?$'
  if [[ ! $url =~ $pattern ]]; then
    echo "$what is not a PostgreSQL URL with a database name, like" \
      "postgres://peercare:password@127.0.0.1:5432/peercare" >&2
    return 1
  fi
  local userinfo=${BASH_REMATCH[3]} host_port=${BASH_REMATCH[4]} name=${BASH_REMATCH[5]}
  local query=${BASH_REMATCH[6]} user=${BASH_REMATCH[3]%%:*}
  if [[ $userinfo == *:* ]]; then
    percent_decode PGPASSWORD "${userinfo#*:}"
    export PGPASSWORD
  fi
  PG_URL="postgresql://${user:+$user@}$host_port/$name$query"
  percent_decode PG_DATABASE "$name"
}
