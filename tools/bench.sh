#!/usr/bin/env bash
# `make bench`: set-up, then the benchmarks of bench/run.py at SCALE=small|medium|large
# (1k / 100k / 1M accounts and as many leads) in the database crm_bench_<scale>.
#
# The database is created the first time with Odoo's modules the suite depends on and the
# three addons, without demo data; later runs upgrade the addons in it and reuse the
# generated data (generated again only when missing). The table is printed and written to
# bench/RESULTS.md with a description of the machine.
#
#   SCALE           small | medium | large                  (default medium)
#   BENCH_DB        database name                           (default crm_bench_<scale>)
#   BENCH_TEMPLATE  an existing database with crm, product, mail, mass_mailing installed
#                   to copy instead of installing them (saves a few minutes)
#   BENCH_ARGS      extra arguments of bench/run.py, e.g. BENCH_ARGS="--only 1,3 --repeat 5"
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo/18.0}
SCALE=${SCALE:-medium}
case "$SCALE" in
small | medium | large) ;;
*)
    echo "SCALE must be small, medium or large (got '$SCALE')." >&2
    exit 2
    ;;
esac
DB=${BENCH_DB:-crm_bench_$SCALE}
ADDONS=crm_extended,crm_competitors,crm_marketing_lists
DEPENDS=crm,product,mail,mass_mailing,base_import
PY=$ROOT/.venv/bin/python
LOG=$ROOT/var/log
say() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }

bash tools/setup.sh
mkdir -p "$LOG"
odoo() { "$PY" "$ODOO_SRC/odoo-bin" -c var/odoo.conf --no-http --stop-after-init "$@"; }

if psql -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    say "Upgrading the addons in the existing database $DB..."
    odoo -d "$DB" -u "$ADDONS" --log-level=warn >"$LOG/bench_install.log" 2>&1 ||
        { tail -n 40 "$LOG/bench_install.log"; exit 1; }
else
    if [ -n "${BENCH_TEMPLATE:-}" ]; then
        say "Creating $DB from $BENCH_TEMPLATE..."
        createdb -T "$BENCH_TEMPLATE" "$DB"
    fi
    say "Installing $DEPENDS and the three addons in $DB, without demo data..."
    odoo -d "$DB" -i "$DEPENDS,$ADDONS" --without-demo=all --log-level=warn >"$LOG/bench_install.log" 2>&1 ||
        { tail -n 40 "$LOG/bench_install.log"; dropdb --if-exists "$DB"; exit 1; }
fi

# Every run is rolled back, which leaves its rows behind as dead tuples and index entries, and an
# index does not shrink when they are vacuumed (res_partner's grew to 445 MB for 110k rows after a
# few imports of 100k rows). The tables the scenarios write are rebuilt first, so that a run does
# not depend on the runs of earlier benches.
say "Rebuilding the tables the scenarios write..."
for table in res_partner crm_lead crm_marketing_list_partner_rel crm_marketing_list_lead_rel \
    crm_spreadsheet_import_line mail_message mail_activity mail_followers; do
    psql -d "$DB" -qc "REINDEX TABLE $table" -c "VACUUM ANALYZE $table"
done

# shellcheck disable=SC2086
"$PY" bench/run.py --config var/odoo.conf --db "$DB" --scale "$SCALE" --out bench/RESULTS.md ${BENCH_ARGS:-}
