"""Time and memory of the account import's spreadsheet reader alone, on generated 100k-row workbooks.

Usage (not run by the tests)::

    .venv/bin/python bench/import_reader.py [--rows 100000] [--repeat 3]

Two workbooks of accounts with contacts (10 columns) are written once to ``bench/out/``:
one with inline strings (what openpyxl's write-only mode writes, like bench/run.py's import
file) and one with a shared-strings table (what Excel and xlsxwriter write). Each is then
streamed by ``crm_extended/tools/spreadsheet_reader.py`` in a fresh process, so that its
memory is measured on its own: the growth of the peak RSS over the RSS before reading,
against the size of the file's cell values (the issue's yardstick: under 2x).
"""

import argparse
import importlib.util
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import threading
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


def rows_of(count):
    for index in range(count):
        yield [
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


def generate(path, count, shared_strings):
    if shared_strings:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("Accounts")
        sheet.write_row(0, 0, HEADER)
        for index, row in enumerate(rows_of(count), start=1):
            sheet.write_row(index, 0, row)
        workbook.close()
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Accounts")
    sheet.append(HEADER)
    for row in rows_of(count):
        sheet.append(row)
    workbook.save(path)


def _rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024


def read_all(path):
    """Child process: stream every row, print timing and memory as JSON."""
    module = load_reader_module()
    data = pathlib.Path(path).read_bytes()
    import openpyxl  # noqa: F401  (the library's own import is not the reader's memory)

    # sampled: ru_maxrss would count the parent's memory (kept across fork and exec)
    before = peak = _rss_mb()
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.wait(0.005):
            peak = max(peak, _rss_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    reader = module.open_spreadsheet(data, path)
    count = cells = size = 0
    for row in reader.iter_rows():
        count += 1
        for value in row:
            if value is not None:
                cells += 1
                size += len(str(value).encode())
    reader.close()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    result = {"rows": count, "cells": cells, "seconds": elapsed, "growth_mb": peak - before, "data_mb": size / 2**20}
    sys.stdout.write(json.dumps(result) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        read_all(args.child)
        return
    OUT.mkdir(parents=True, exist_ok=True)
    for kind in ("inline", "shared"):
        path = OUT / f"import_{args.rows}_{kind}.xlsx"
        if not path.exists():
            generate(path, args.rows, shared_strings=kind == "shared")
        runs = []
        for _attempt in range(args.repeat):
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], check=True, capture_output=True, text=True
            ).stdout
            runs.append(json.loads(output))
        seconds = statistics.median(run["seconds"] for run in runs)
        growth = max(run["growth_mb"] for run in runs)
        data_mb = runs[0]["data_mb"]
        sys.stdout.write(
            f"{kind:7} strings: {runs[0]['rows']:>7} rows ({path.stat().st_size / 2**20:.1f} MB file, "
            f"{data_mb:.1f} MB of cell values) median {seconds:6.2f}s ({runs[0]['rows'] / seconds:,.0f} rows/s), "
            f"peak RSS growth {growth:5.1f} MB = {growth / data_mb:.1f}x the cell values\n"
        )


if __name__ == "__main__":
    main()
