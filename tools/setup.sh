#!/usr/bin/env bash
# Everything `make test`, `make demo` and `make bench` need, except the Odoo source
# itself when the network cannot bring it. Safe to run again: a second run only
# checks what the first one did.
#
#   ODOO_SRC   Odoo 18.0 source            (default ~/.cache/odoo/18.0)
#   PYTHON     interpreter for .venv       (default python3, 3.10 to 3.12)
#   PGHOST / PGPORT / PGUSER / PGPASSWORD  an existing PostgreSQL to use instead
#              of the local Debian cluster
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-$HOME/.cache/odoo/18.0}
PYTHON=${PYTHON:-python3}
VENV=$ROOT/.venv
ODOO_GIT=https://github.com/odoo/odoo.git

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

apt_missing=()
need_deb() { dpkg -s "$1" >/dev/null 2>&1 || apt_missing+=("$1"); }

# ---- Odoo source ----------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    say "No Odoo source in $ODOO_SRC: cloning the official 18.0 branch (shallow)..."
    mkdir -p "$(dirname "$ODOO_SRC")"
    git clone --quiet --depth 1 --branch 18.0 "$ODOO_GIT" "$ODOO_SRC" || die "Could not clone Odoo 18.0.
Put a copy of the Odoo 18.0 source in $ODOO_SRC (or set ODOO_SRC to where it is) and run again."
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 18.0."

# ---- System packages (Debian) --------------------------------------------
if command -v dpkg >/dev/null; then
    need_deb libpq-dev        # psycopg2 is built from source
    need_deb build-essential
    need_deb wkhtmltopdf      # PDF reports
    need_deb chromium         # browser tours
    need_deb fonts-dejavu-core
    if [ -z "${PGHOST:-}" ]; then need_deb postgresql; fi
    if [ ${#apt_missing[@]} -gt 0 ]; then
        is_root || die "Missing Debian packages: ${apt_missing[*]}. Install them (sudo apt-get install ${apt_missing[*]}) and run again."
        say "Installing ${apt_missing[*]}..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
    fi
fi

# ---- PostgreSQL -------------------------------------------------------------
if [ -n "${PGHOST:-}" ]; then
    pg_isready -q || die "PostgreSQL at PGHOST=$PGHOST PGPORT=${PGPORT:-5432} does not answer."
else
    if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters --no-header | while read -r ver name _port status _rest; do
            if [ "$status" != online ]; then
                say "Starting PostgreSQL cluster $ver/$name..."
                if is_root; then pg_ctlcluster "$ver" "$name" start; else sudo -n pg_ctlcluster "$ver" "$name" start; fi
            fi
        done
    fi
    for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
    pg_isready -q || die "No PostgreSQL answers. Start one, or set PGHOST/PGPORT/PGUSER."
    db_user=${PGUSER:-$(id -un)}
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        is_root || die "PostgreSQL has no role '$db_user'. Run: sudo -u postgres createuser -s $db_user"
        say "Creating the PostgreSQL superuser role '$db_user'..."
        su postgres -c "createuser -s '$db_user'"
    fi
fi

# ---- Python virtual environment --------------------------------------------
"$PYTHON" - <<'EOF' || die "Odoo 18.0 needs Python 3.10 to 3.12; set PYTHON to one."
import sys
sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))
EOF
[ -x "$VENV/bin/python" ] || { say "Creating $VENV..."; "$PYTHON" -m venv "$VENV"; }
test_reqs=$("$VENV/bin/python" - "$ROOT/setup.cfg" <<'EOF'
import configparser, sys
cfg = configparser.ConfigParser()
cfg.read(sys.argv[1])
print("\n".join(line for line in cfg["options.extras_require"]["test"].splitlines() if line.strip()))
EOF
)
# Odoo is not a pip package here: make its source importable from the venv.
site=$("$VENV/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
echo "$ODOO_SRC" >"$site/odoo-src.pth"
stamp=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" <(echo "$test_reqs") | sha1sum | cut -c1-16)
if [ ! -f "$VENV/.installed-$stamp" ]; then
    say "Installing Python packages into $VENV (Odoo's requirements and ours)..."
    constraints=$(mktemp)
    echo "setuptools<70" >"$constraints"   # an old sdist among Odoo's pins imports pkg_resources
    grep -v '^python-ldap' "$ODOO_SRC/requirements.txt" >"$constraints.odoo"
    PIP_CONSTRAINT=$constraints "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        -r "$constraints.odoo" -r "$ROOT/requirements.txt" $test_reqs 2>&1 | grep -v "is ignored: it is neither" || true
    rm -f "$constraints" "$constraints.odoo" "$VENV"/.installed-*
    "$VENV/bin/python" -c "import psycopg2, lxml, openpyxl, pytest_odoo, websocket, freezegun" ||
        die "The Python packages did not install; see the messages above."
    touch "$VENV/.installed-$stamp"
fi

# ---- Odoo configuration -----------------------------------------------------
mkdir -p "$ROOT/var"
cat >"$ROOT/var/odoo.conf" <<EOF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT
data_dir = $ROOT/var/data
admin_passwd = admin
without_demo = False
EOF
# PGHOST, PGPORT, PGUSER and PGPASSWORD reach Odoo through libpq itself.
say "Ready: Odoo $ODOO_SRC, Python $("$VENV/bin/python" -V 2>&1 | cut -d' ' -f2), PostgreSQL $(psql -d postgres -tAc 'show server_version' | cut -d' ' -f1)."
