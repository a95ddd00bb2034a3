"""Runs Odoo in a process of its own on a scratch database, for the tests that
install, uninstall and reinstall the addons (they commit, so they never touch
the test database)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import odoo

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("crm_extended", "crm_competitors", "crm_marketing_lists")
_PROBLEM = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", re.MULTILINE)


def base_db():
    """The database that holds only Odoo's modules the suite depends on (made by make test)."""
    name = os.environ.get("CRM_SUITE_BASE_DB")
    if not name:
        raise AssertionError("CRM_SUITE_BASE_DB is not set: run the suite through `make test`.")
    return name


def odoo_bin(db, *options, command=None, stdin=None):
    """Run odoo-bin (or its ``command``, such as ``shell``) on ``db``; return its log, fail on a non-zero exit."""
    argv = [sys.executable, str(Path(odoo.__file__).resolve().parent.parent / "odoo-bin")]
    if command:
        argv.append(command)
    argv += ["-c", str(ROOT / "var" / "odoo.conf"), "-d", db, "--no-http", "--log-level=info", *options]
    result = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=900, check=False)
    log = result.stdout + result.stderr
    if result.returncode:
        raise AssertionError(f"{' '.join(argv)} exited with {result.returncode}:\n{log[-4000:]}")
    return log


def problems(log):
    """The WARNING, ERROR and CRITICAL lines of an Odoo log."""
    return [line for line in log.splitlines() if _PROBLEM.match(line)]


def clone_db(source, target):
    drop_db(target)
    subprocess.run(["createdb", "-T", source, target], check=True)


def drop_db(name):
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
