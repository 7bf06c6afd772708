#!/usr/bin/env bash
# Run the peers on one generated panel, time them and compare their outputs.
# Usage: benches/peers/bench.sh DATA_DIR OUT_DIR [PEER ...]
#   PEER: polars pandas vtl-duckdb vtl-pandas vtl-duckdb-ruleset vtl-pandas-ruleset
#   (default: polars pandas vtl-duckdb vtl-pandas). PYTHON selects the interpreter
#   (default python3); TIMEOUT the limit per run in seconds (default 600).
set -u
data=$1; out=$2; shift 2
peers=${*:-polars pandas vtl-duckdb vtl-pandas}
py=${PYTHON:-python3}; limit=${TIMEOUT:-600}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
outs=()
for p in $peers; do
  case $p in
    polars) cmd=("$here/polars_checks.py" "$data");;
    pandas) cmd=("$here/pandas_checks.py" "$data");;
    vtl-duckdb) cmd=("$here/vtl_checks.py" "$data" --backend duckdb --hierarchy join);;
    vtl-pandas) cmd=("$here/vtl_checks.py" "$data" --backend pandas --hierarchy join);;
    vtl-duckdb-ruleset) cmd=("$here/vtl_checks.py" "$data" --backend duckdb --hierarchy ruleset);;
    vtl-pandas-ruleset) cmd=("$here/vtl_checks.py" "$data" --backend pandas --hierarchy ruleset);;
    *) echo "unknown peer $p" >&2; exit 2;;
  esac
  # -k: a run that outlives the limit gets SIGTERM, then SIGKILL 10 s later
  timeout -k 10 "$limit" /usr/bin/time -o "$out/$p.time" -f "%e s %M KB" "$py" "${cmd[@]}" \
    > "$out/$p.json" 2> "$out/$p.err"
  rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "$p: stopped after ${limit} s"
  else
    echo "$p: $(tail -1 "$out/$p.time") (exit $rc) $(grep -h vtl_checks "$out/$p.err" || true)"
    [ $rc -eq 0 ] && outs+=("$out/$p.json")
  fi
done
[ ${#outs[@]} -gt 0 ] && "$py" "$here/compare.py" "$data" "${outs[@]}"
