"""The window: start to first paint, against an empty QMainWindow, each in its own process (QT_QPA_PLATFORM=
offscreen); its memory with the file open and the dashboard counted (LEIFENG_BENCH_READY=1: the window says "window-
ready" then and closes), the goal's "window on the city database". The app's switch LEIFENG_BENCH_FIRST_PAINT=1
(ui/main_window.py) makes it print "first-paint … at <epoch>" at its first paint and quit; the empty window prints
the same. A third line, without a goal, gives each one's CPU seconds (every thread) to that paint: on a loaded
machine the wall times wander, these much less (the ratio the goal is after, as near as this machine can tell). At a
larger scale one more line gives the start on a demo-size file (the issue's second goal, 1.5×) against the same bare
window. Ours starts as the installers' shortcuts start it: `python -m leifeng_desktop --db PATH`."""
from __future__ import annotations

from pathlib import Path

from . import db as bench_db
from .measure import FIRST_PAINT, ROOT, Result, Run, child, median_of, ratio_goal

# As the installers' shortcuts start it: `python -m leifeng_desktop --db PATH` (leifeng_desktop/__main__.py).
OURS = "import sys\nfrom leifeng_desktop.start import main\nsys.exit(main(['--db', sys.argv[1]]))\n"
BARE = """import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            print(f"first-paint 0 at {time.time():.3f}", file=sys.stderr, flush=True)
            QTimer.singleShot(0, QApplication.quit)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1200, 720)
window.show()
app.exec()
"""
# Said on stdout as the child's own figure (measure.ELAPSED): the process's CPU time when its first paint is said.
CPU_PROBE = """import sys as _sys, time as _time
class _Probe:
    def __init__(self, stream):
        self.stream = stream
    def write(self, text):
        if text.startswith("first-paint"):
            print(f"bench-elapsed {_time.process_time():.4f}", flush=True)
        return self.stream.write(text)
    def __getattr__(self, name):
        return getattr(self.stream, name)
_sys.stderr = _Probe(_sys.stderr)
"""
MEMORY_MB = 250
READY = "window-ready"   # main_window.py with LEIFENG_BENCH_READY=1: the file open, the dashboard counted
DEMO_SEED = 2026   # `python -m bench`'s default seed: the demo file of a plain `make bench`
# An installed app starts from compiled modules (the installers ship .pyc), as the bare baseline's PySide6 does: a
# child writes and reuses bytecode here even where PYTHONDONTWRITEBYTECODE is set, so ours is not compiled per run.
BYTECODE = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(ROOT / "build" / "bench" / "pycache")}


def env(scratch: Path) -> dict[str, str]:
    """Offscreen, the switch on, and the window's settings and data folder in the run's scratch folder."""
    return {"QT_QPA_PLATFORM": "offscreen", "LEIFENG_BENCH_FIRST_PAINT": "1", "HOME": str(scratch),
            "XDG_CONFIG_HOME": str(scratch / "config"), "XDG_DATA_HOME": str(scratch / "data"), **BYTECODE}


def demo_size(scratch: Path) -> Path:
    """A copy of the demo-size database (generated once, cached as every scale's is)."""
    return bench_db.working_copy(bench_db.cached("demo", DEMO_SEED), scratch / "demo")


def measure(db: Path, scratch: Path, scale: str, rounds: int) -> list[Result]:
    """The start on `db` (goal 2× at a larger scale); at a larger scale the start on a demo-size file too (1.5×),
    against the same bare window. The children run in turns (ours, bare, ours at demo size, …), each figure the
    median of its rounds: blocks run one after another drifted apart with the machine's load."""
    e = env(scratch)
    demo = demo_size(scratch) if scale != "demo" else None
    starts = {"ours": (OURS, str(db)), "bare": (BARE,), **({"demo": (OURS, str(demo))} if demo else {}),
              "cpu ours": (CPU_PROBE + OURS, str(db)), "cpu bare": (CPU_PROBE + BARE,)}
    for code, *args in (starts["ours"], *([starts["demo"]] if demo else [])):   # untimed: Qt's caches, bytecode
        child(code, *args, env=e, until=FIRST_PAINT)
    runs: dict[str, list[Run]] = {name: [] for name in starts}
    for _ in range(max(1, rounds)):
        for name, (code, *args) in starts.items():
            runs[name].append(child(code, *args, env=e, until=FIRST_PAINT))
    ours, bare, cpu_ours, cpu_bare = (median_of(runs[n]) for n in ("ours", "bare", "cpu ours", "cpu bare"))
    demo_line = [ratio_goal("window at demo size: start to first paint", median_of(runs["demo"]), bare, 1.5)] \
        if demo else []
    limit = 1.5 if scale == "demo" else 2.0
    ready = {**{k: v for k, v in e.items() if k != "LEIFENG_BENCH_FIRST_PAINT"}, "LEIFENG_BENCH_READY": "1"}
    opened = median_of([child(OURS, str(db), env=ready, until=READY) for _ in range(max(1, rounds))])
    memory = Result("window: memory, file open and counted", Run(opened.peak_mb or 0, opened.peak_mb),
                    Run(bare.peak_mb or 0, bare.peak_mb), f"≤ {MEMORY_MB} MB",
                    (opened.peak_mb or 0) <= MEMORY_MB, unit="MB")
    cpu = Result("window: CPU to first paint", cpu_ours, cpu_bare, "—", None)
    return [ratio_goal("window: start to first paint", ours, bare, limit), *demo_line, memory, cpu]
