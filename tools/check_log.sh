#!/usr/bin/env bash
# Fails when an Odoo log holds a WARNING, ERROR or CRITICAL line.
# Odoo's own modules install without any, so every such line comes from the
# suite: a model without access rules, deprecated view syntax, a bad XML id...
set -euo pipefail
log=$1
if grep -nE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log"; then
    printf '\033[31mThe log %s has the warnings or errors above.\033[0m\n' "$log" >&2
    exit 1
fi
echo "$log: no warning, no error."
