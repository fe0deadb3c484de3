"""Timing, memory and the printed line. A figure is the median of several runs; a child process's peak memory is
its own ru_maxrss (os.wait4 gives each child's rusage), an in-process one tracemalloc's peak over one more run."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ELAPSED = "bench-elapsed"      # a child prints "bench-elapsed <seconds>" for the work it timed itself
FIRST_PAINT = "first-paint"    # the window's line at its first paint (LEIFENG_BENCH_FIRST_PAINT=1)
PEAK = "bench-peak"            # a child's own high-water mark (VmHWM, KiB), said on stderr as it exits
# ru_maxrss of a forked child keeps the parent's size at the fork (Linux carries it across exec), so each child
# reports the high-water mark of its own address space instead.
PROLOGUE = """import atexit as _atexit, sys as _sys
def _bench_peak():
    try:
        with open("/proc/self/status") as status:
            kib = next(ln.split()[1] for ln in status if ln.startswith("VmHWM"))
        print("bench-peak", kib, file=_sys.stderr, flush=True)
    except (OSError, StopIteration):
        pass
_atexit.register(_bench_peak)
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float | None = None


@dataclass
class Result:
    name: str
    ours: Run
    bare: Run | None
    goal: str                                     # as printed: "≤ 2×", "≤ 100 ms", "≤ 1.5×, ≤ 2 s" …
    met: bool | None                              # None: a figure without a goal (today's two)
    unit: str = "s"                               # "MB": ours and bare are peaks, not times

    @property
    def ratio(self) -> float | None:
        if self.bare is None or self.bare.seconds <= 0:
            return None
        return self.ours.seconds / self.bare.seconds


def ratio_goal(name: str, ours: Run, bare: Run, limit: float, *, seconds: float | None = None,
               memory_mb: float | None = None) -> Result:
    """Met when ours ≤ limit × bare (and ≤ `seconds`, and a peak ≤ `memory_mb`, when given)."""
    met = ours.seconds <= limit * bare.seconds
    goal = f"≤ {limit:g}×"
    if seconds is not None:
        met = met and ours.seconds <= seconds
        goal += f", ≤ {_time(seconds)}"
    if memory_mb is not None:
        met = met and ours.peak_mb is not None and ours.peak_mb <= memory_mb
        goal += f", ≤ {memory_mb:g} MB"
    return Result(name, ours, bare, goal, met)


def time_goal(name: str, ours: Run, bare: Run, seconds: float) -> Result:
    return Result(name, ours, bare, f"≤ {_time(seconds)}", ours.seconds <= seconds)


def attempt(name: str, fn: Callable[[], list[Result]]) -> list[Result]:
    """The measure's results, or one line saying it failed (the run goes on to the next measure)."""
    try:
        return fn()
    except Exception as exc:   # noqa: BLE001 - a broken export is a figure too: "failed", and the rest still runs
        last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        print(f"{name}: failed: {str(exc)[-1500:]}", file=sys.stderr, flush=True)
        return [Result(name, Run(float("nan")), None, f"failed: {last[:60]}", False)]


def median_run(fn: Callable[[], object], rounds: int, *, memory: bool = True) -> Run:
    """The median time of `rounds` calls; with `memory`, tracemalloc's peak over one more call."""
    times = []
    for _ in range(max(1, rounds)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    peak = None
    if memory:
        tracemalloc.start()
        try:
            fn()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    return Run(statistics.median(times), peak)


def child(code: str, *args: str, env: dict[str, str] | None = None, until: str | None = None,
          timeout: float = 3600) -> Run:
    """Run `python -c code args…` once. Its time: what it printed after ELAPSED on stdout; with `until`, from its
    start to the moment its stderr line "<until> … at <epoch seconds>" says; else its wall time. Its peak: its own
    ru_maxrss. Raises RuntimeError when it fails."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started_at, start = time.time(), time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", PROLOGUE + code, *args], stdout=out, stderr=err, env=full_env,
                                cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    seen = [float(ln.rsplit(" at ", 1)[1]) - started_at for ln in stderr.splitlines()
            if until and ln.startswith(until) and " at " in ln]
    if proc.returncode != 0 or (until and not seen):
        raise RuntimeError(f"bench child failed ({proc.returncode}): {stdout[-500:]}\n{stderr[-2000:]}")
    own = [float(ln.split()[1]) for ln in stdout.splitlines() if ln.startswith(ELAPSED)]
    seconds = own[-1] if own else seen[0] if seen else wall
    peaks = [int(ln.split()[1]) for ln in stderr.splitlines() if ln.startswith(PEAK)]
    return Run(seconds, (peaks[-1] if peaks else usage.ru_maxrss) / 1024)   # KiB on Linux


def median_child(rounds: int, code: str, *args: str, **kw: object) -> Run:
    return median_of([child(code, *args, **kw) for _ in range(max(1, rounds))])   # type: ignore[arg-type]


def median_of(runs: list[Run]) -> Run:
    """The median time of `runs`, with the highest peak among them."""
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mb or 0 for r in runs))


# -- the line ------------------------------------------------------------------------------------------------
HEADER = f"{'measure':<48}{'ours':>10}{'bare':>10}{'ratio':>9}  {'goal':<24}{'met':<5}{'peak MB (ours/bare)':>20}"


def _time(seconds: float) -> str:
    if seconds != seconds:   # NaN: a measure that failed
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _mb(run: Run | None) -> str:
    if run is None or run.peak_mb is None:
        return "—"
    return f"{run.peak_mb:.1f}" if run.peak_mb < 10 else f"{run.peak_mb:.0f}"


def line(r: Result) -> str:
    def show(run: Run) -> str:
        return f"{run.seconds:.0f} MB" if r.unit == "MB" and run.seconds == run.seconds else _time(run.seconds)

    ratio = "—" if r.ratio is None else f"{r.ratio:.2f}×"
    met = "—" if r.met is None else "yes" if r.met else "no"
    bare = "—" if r.bare is None else show(r.bare)
    return (f"{pad(r.name, 48)}{show(r.ours):>10}{bare:>10}{ratio:>9}  {r.goal:<24}{met:<5}"
            f"{_mb(r.ours) + ' / ' + _mb(r.bare):>20}")


def width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def print_results(results: Sequence[Result]) -> None:
    print(HEADER, flush=True)
    for r in results:
        print(line(r), flush=True)
