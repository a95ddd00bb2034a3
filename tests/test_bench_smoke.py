"""Every benchmark scenario of bench/run.py runs once at SCALE=small, so that a scenario
broken by a change is seen at once. Times are not judged here: that is `make bench`."""

import re
import subprocess
import sys

from .odoo_process import ADDONS, ROOT, base_db, clone_db, drop_db, odoo_bin

# scenario numbers of bench/run.py; each must appear in the printed table
SCENARIOS = ("1", "2", "3", "4", "5", "6", "7", "8")


def test_bench_scenarios_run_at_small_scale():
    """The bench database is made from the suite's base, the data generated, every scenario run once."""
    db = f"{base_db()}_bench"
    clone_db(base_db(), db)
    try:
        odoo_bin(db, "-i", ",".join(("base_import", *ADDONS)), "--stop-after-init", "--without-demo=all")
        argv = [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--config",
            str(ROOT / "var" / "odoo.conf"),
            "--db",
            db,
            "--scale",
            "small",
            "--repeat",
            "1",
            "--import-rows",
            "100",
            "--strict",
        ]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"a bench scenario raised:\n{output[-6000:]}"
        table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
        assert table, f"no result table printed:\n{output[-3000:]}"
        keys = {re.match(r"\| (\d+)", line).group(1) for line in table[1:] if re.match(r"\| \d+", line)}
        assert keys == set(SCENARIOS), f"scenarios missing from the table: {set(SCENARIOS) - keys}\n{output[-3000:]}"
        errors = [line for line in table if "| error |" in line]
        assert not errors, "\n".join(errors)
    finally:
        drop_db(db)
