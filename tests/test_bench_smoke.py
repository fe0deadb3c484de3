"""`make bench` at demo scale, once and tiny (`python -m bench --scale demo --quick`): every measure prints its
line with a numeric ratio and a met/not-met word. No timing is asserted: benchmarks are not tests."""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = (
    "window: start to first paint", "window: memory, file open and counted", "window: CPU to first paint",
    "dashboard figures (campaign_stats)",
    "stats --json (process)",
    *[f"list {key}: {what}" for key in ("member", "activity", "participant")
      for what in ("first rows", "scroll to the end", "sort", "search '王'", "search two-character name",
                   "search last digits")],
    "list activity: reference sort team_id", "list participant: reference sort member_id",
    "活动台账 (activities ledger)", "走访台账 (visits ledger)", "帮扶台账 (aid ledger)", "登记表 for 3 teams",
    "登记表 memory: 3 vs 1 teams", "总结材料 (summary)", "bundle import (1000 records)", "insert 200 validated teams",
    "member list page + search",
)
RATIO = re.compile(r"\s(\d+\.\d\d)×\s")


def test_bench_quick_prints_every_line(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "bench", "--scale", "demo", "--quick", "--cache", str(tmp_path)],
                       capture_output=True, cwd=ROOT, env=env, timeout=1800, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    assert lines[0].startswith("scale demo (seed 2026)") and "CPUs" in lines[0]
    assert lines[1].split()[:4] == ["measure", "ours", "bare", "ratio"]
    for name in EXPECTED:
        found = [ln for ln in lines if ln.startswith(name + " ")]
        assert len(found) == 1, (name, r.stdout, r.stderr[-3000:])
        assert RATIO.search(found[0]), found[0]   # ours and bare both measured
        goal_words = found[0][RATIO.search(found[0]).end():].split()
        assert "yes" in goal_words or "no" in goal_words or "—" in goal_words, found[0]
    met, total = map(int, re.fullmatch(r"goals met: (\d+) of (\d+)", lines[-1]).groups())
    assert total == len(EXPECTED) - 3 and 0 <= met <= total   # today's two figures and the window's CPU: no goal
    assert list(tmp_path.glob("demo-2026-v*.db"))   # the generated database is kept for the next run
