"""bench/RESULTS.md: one section per scale; a run with --only replaces its own rows and keeps the rest."""

import importlib.util
import types

from .odoo_process import ROOT

_spec = importlib.util.spec_from_file_location("crm_bench_run", ROOT / "bench" / "run.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

ARGS = types.SimpleNamespace(db="crm_bench_x", repeat=3)
PROSE = "\n\n## How to read these figures\n\nKept as written.\n"


def _row(key, ours, ref, target=1.5):
    return bench.Row(
        key, f"Scenario {key}", 1000, bench.Measure(ours, 3, 4, 0.0), bench.Measure(ref, 3, 1, 0.0), target
    )


def _table(text, scale):
    start, end = bench._block_markers(scale)
    block = text.split(start, 1)[1].split(end, 1)[0]
    return {
        line.split(" | ")[0][2:]: line for line in block.splitlines() if line.startswith("| ") and "---" not in line
    }


def test_only_run_replaces_its_rows_and_keeps_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(f"# Old figures\n{bench.GENERATED_END}{PROSE}", encoding="utf-8")
    runs = {"1": bench.scenario_run_line("1", 3), "6": bench.scenario_run_line("6", 2)}
    rows = [_row("1a", 1.0, 1.0), _row("1c", 3.0, 1.0), _row("6", 1.0, 1.0)]
    bench.write_results(path, "medium", ARGS, rows, runs, ["- first machine"], "Bench data generated in 4 s: 10 rows.")
    bench.write_results(
        path, "large", ARGS, [_row("6", 2.0, 1.0)], {"6": runs["6"]}, ["- large machine"], "Bench data generated."
    )
    # scenario 1 again, alone: its old rows go (1c is not measured any more), scenario 6 stays
    bench.write_results(
        path,
        "medium",
        ARGS,
        [_row("1a", 0.5, 1.0), _row("1b", 1.0, 1.0)],
        {"1": bench.scenario_run_line("1", 5)},
        ["- second machine"],
        "Bench data reused.",
    )
    text = path.read_text(encoding="utf-8")
    medium = _table(text, "medium")
    assert list(medium) == ["#", "1a", "1b", "6"]
    assert "| 0.50 | ≤ 1.5 ✅ |" in medium["1a"]
    assert "| 1.00 | ≤ 1.5 ✅ |" in medium["6"]
    assert list(_table(text, "large")) == ["#", "6"]
    assert "| 2.00 | ≤ 1.5 ❌ |" in _table(text, "large")["6"]
    assert "- second machine" in text and "- first machine" not in text
    assert "Bench data generated in 4 s: 10 rows." in text, "the data described is that of the run that made it"
    assert text.count("- scenario 1: ") == 1 and text.count("- scenario 6: ") == 2
    assert "# Old figures" not in text
    assert text.endswith(bench.GENERATED_END + PROSE)
    assert text.index("SCALE=medium") < text.index("SCALE=large")
