"""Time the spreadsheet readers of the account import on a generated 100k-row workbook.

Usage (not run by the tests)::

    .venv/bin/python bench/import_reader.py [--rows 100000] [--repeat 3]

The workbook (accounts with contacts, 10 columns, one formula column with its
cached value) is written once to ``bench/out/``. Each reader of
``crm_extended/tools/spreadsheet_reader.py`` then streams every row in a fresh
process, so that its peak memory (max RSS) is measured on its own. The import
wizard uses the reader named by the system parameter ``crm_extended.import_reader``
(default in ``crm_extended/wizard/crm_spreadsheet_import.py``).
"""

import argparse
import importlib.util
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
READER_PATH = ROOT / "crm_extended" / "tools" / "spreadsheet_reader.py"
HEADER = ["Company", "VAT", "Email", "Phone", "Street", "City", "Country", "Contact name", "Contact email", "Revenue"]


def load_reader_module():
    # loaded by path: importing the addon package would need a running Odoo
    spec = importlib.util.spec_from_file_location("spreadsheet_reader", READER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(path, rows):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Accounts")
    sheet.append(HEADER)
    for index in range(rows):
        sheet.append(
            [
                f"Account {index // 3} Ltd",
                f"BE{index // 3:010d}",
                f"info{index // 3}@example.com",
                f"+32 2 {index % 1000:03d} {index % 100:02d} {index % 97:02d}",
                f"{index % 300} Main Street",
                ("Brussels", "Riga", "Warsaw", "Athens", "Manila")[index % 5],
                ("BE", "LV", "PL", "GR", "PH")[index % 5],
                f"Contact {index}",
                f"contact{index}@example.com",
                index * 10.5,
            ]
        )
    workbook.save(path)


def read_all(engine, path):
    """Child process: stream every row, print timing and peak memory as JSON."""
    module = load_reader_module()
    data = pathlib.Path(path).read_bytes()
    start = time.perf_counter()
    reader = module.open_spreadsheet(data, path, engine=engine)
    count = cells = 0
    for row in reader.iter_rows():
        count += 1
        cells += sum(1 for value in row if value is not None)
    reader.close()
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"engine": engine, "rows": count, "cells": cells, "seconds": elapsed, "peak_rss_mb": peak_mb}
    sys.stdout.write(json.dumps(result) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        read_all(*args.child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"import_{args.rows}.xlsx"
    if not path.exists():
        start = time.perf_counter()
        generate(path, args.rows)
        sys.stdout.write(f"generated {path} in {time.perf_counter() - start:.1f}s\n")
    sys.stdout.write(f"file: {path.stat().st_size / 1024 / 1024:.1f} MB, {args.rows} rows x {len(HEADER)} columns\n")
    results = {}
    for engine in load_reader_module().ENGINES:
        runs = []
        for _attempt in range(args.repeat):
            output = subprocess.run(
                [sys.executable, __file__, "--child", engine, str(path)], check=True, capture_output=True, text=True
            ).stdout
            runs.append(json.loads(output))
        seconds = statistics.median(run["seconds"] for run in runs)
        peak = max(run["peak_rss_mb"] for run in runs)
        results[engine] = seconds
        sys.stdout.write(
            f"{engine:9} rows={runs[0]['rows']:>7} median {seconds:6.2f}s  "
            f"({runs[0]['rows'] / seconds:,.0f} rows/s)  peak RSS {peak:6.0f} MB\n"
        )
    if len(results) == 2:
        sys.stdout.write(f"calamine is {results['openpyxl'] / results['calamine']:.1f}x faster than openpyxl\n")


if __name__ == "__main__":
    main()
