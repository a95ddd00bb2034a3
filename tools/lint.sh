#!/usr/bin/env bash
# Lint of the suite's code: house rules, ruff (lint and format), pylint-odoo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ADDONS="crm_extended crm_competitors crm_marketing_lists"
PATHS="$ADDONS tests bench conftest.py"

# Odoo 18 syntax and the rules of shared/STYLE.md that no linter knows.
if grep -rnE '<tree[ >/]|</tree>|attrs="|states="|cr\.commit\(\)|safe_eval\(|[^_.a-z]eval\(' \
    --include='*.py' --include='*.xml' $PATHS; then
    echo "House rules broken above: <tree>, attrs=, states=, cr.commit(), eval or safe_eval." >&2
    exit 1
fi
.venv/bin/ruff check $PATHS
.venv/bin/ruff format --check $PATHS
.venv/bin/pylint --rcfile=.pylintrc-mandatory $ADDONS
echo "Lint: clean."
