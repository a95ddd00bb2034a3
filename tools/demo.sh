#!/usr/bin/env bash
# `make demo`: set-up, then the database $DB with demo data and the three addons
# (created the first time, upgraded after), served on http://localhost:$PORT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo/18.0}
DB=${DB:-crm_demo}
PORT=${PORT:-8069}
ADDONS=crm_extended,crm_competitors,crm_marketing_lists

bash tools/setup.sh
if psql -d postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    echo "[demo] Upgrading the addons in the existing database $DB..."
    mode=(-u "$ADDONS")
else
    echo "[demo] Creating the database $DB with demo data (a few minutes the first time)..."
    mode=(-i "$ADDONS")
fi
"$ROOT/.venv/bin/python" "$ODOO_SRC/odoo-bin" -c var/odoo.conf -d "$DB" "${mode[@]}" \
    --stop-after-init --no-http --log-level=warn
cat <<MSG

  CRM Suite demo: http://localhost:$PORT   login: admin   password: admin
  (database $DB; stop with Ctrl+C)

MSG
exec "$ROOT/.venv/bin/python" "$ODOO_SRC/odoo-bin" -c var/odoo.conf -d "$DB" --db-filter="^$DB\$" \
    --http-port="$PORT" --log-level=info
