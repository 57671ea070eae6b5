#!/usr/bin/env bash
# gen.sh regenerates the *.golden files from a PostgreSQL 15 server:
#   URL=$(/work/shared/tools/pg-oracle start 55437) ./gen.sh
# Each *_cases.txt line is tab-separated ("//" starts a comment line); the golden file repeats the case
# and appends PostgreSQL's answer: the output text, or
# "ERROR <sqlstate> <message>".
set -euo pipefail
cd "$(dirname "$0")"
: "${URL:?set URL to a PostgreSQL 15 connection string}"
export PGOPTIONS="-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=1 -c bytea_output=hex"

run() { # run SQL statements (one per argument), print the answer
  local out
  out=$(printf '%s\n' "$@" | psql "$URL" -X -q -At -v VERBOSITY=verbose -f - 2>&1 || true)
  local err
  err=$(printf '%s\n' "$out" | grep -m1 '^psql:.*ERROR:' || true)
  if [ -n "$err" ]; then
    printf '%s' "$err" | sed -E 's/^psql:[^E]*ERROR:  ([0-9A-Z]{5}): /ERROR \1 /'
  else
    printf '%s' "$out" | tail -n 1
  fi
}
q() { printf "%s" "$1" | sed "s/'/''/g"; }

# io: type typmod input
: > io.golden
while IFS=$'\037' read -r typ mod input; do
  [ -z "$typ" ] || [ "${typ:0:2}" = "//" ] && continue
  meta=$(psql "$URL" -X -At -F $'\t' -c "select typinput, typoutput, case when typelem <> 0 and typlen = -1 then typelem else oid end, (select pronargs from pg_proc where oid = typinput) from pg_type where typname = '$typ'")
  IFS=$'\t' read -r tin tout ioparam nargs <<<"$meta"
  if [ "$nargs" = 3 ]; then call="$tin('$(q "$input")'::cstring, $ioparam, $mod)"; else call="$tin('$(q "$input")'::cstring)"; fi
  ans=$(run "select $tout($call)::text;")
  printf '%s\t%s\t%s\t%s\n' "$typ" "$mod" "$input" "$ans" >> io.golden
done < <(tr '\t' '\037' < io_cases.txt)

# cast: from fromMod to toMod ctx(e|a) input
: > cast.golden
while IFS=$'\037' read -r from fmod to tmod ctx input; do
  [ -z "$from" ] || [ "${from:0:2}" = "//" ] && continue
  ft=$(psql "$URL" -X -At -c "select format_type((select oid from pg_type where typname='$from'), $fmod)")
  tt=$(psql "$URL" -X -At -c "select format_type((select oid from pg_type where typname='$to'), $tmod)")
  tout=$(psql "$URL" -X -At -c "select typoutput from pg_type where typname='$to'")
  if [ "$ctx" = e ]; then
    ans=$(run "select $tout(CAST(CAST('$(q "$input")' AS $ft) AS $tt))::text;")
  else
    ans=$(run "create temp table c(v $tt);" "insert into c values (CAST('$(q "$input")' AS $ft));" "select $tout(v)::text from c;")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$from" "$fmod" "$to" "$tmod" "$ctx" "$input" "$ans" >> cast.golden
done < <(tr '\t' '\037' < cast_cases.txt)

# op: name lefttype righttype left right  (lefttype "-" for prefix)
: > op.golden
while IFS=$'\037' read -r op lt rt l r; do
  [ -z "$op" ] || [ "${op:0:2}" = "//" ] && continue
  res=$(psql "$URL" -X -At -c "select o.oprresult::regtype::text, (select typoutput from pg_type where oid=o.oprresult) from pg_operator o where oprname='$op' and oprleft = coalesce((select oid from pg_type where typname='$lt'),0) and oprright=(select oid from pg_type where typname='$rt')")
  tout=${res#*|}
  if [ "$lt" = - ]; then expr="$op CAST('$(q "$r")' AS $rt)"; else expr="CAST('$(q "$l")' AS $lt) $op CAST('$(q "$r")' AS $rt)"; fi
  ans=$(run "select coalesce($tout($expr)::text, 'NULL');")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$lt" "$rt" "$l" "$r" "$ans" >> op.golden
done < <(tr '\t' '\037' < op_cases.txt)
