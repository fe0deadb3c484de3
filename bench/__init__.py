"""Benchmarks: `make bench` (python -m bench [--scale demo|district|city] [--rounds N] [--quick]). Each figure is
measured against a bare baseline doing the same work in the same run (the ratio means the same on a slow or a fast
machine), as the median of several runs, with peak memory; each goal of issue 18 is one line saying met or not.
Not tests: nothing here fails a build (tests/test_bench_smoke.py only runs it once, tiny).

    db.py         the database measured: generated once per scale, seed and schema version under build/bench/
    measure.py    timing (median), child processes and their own peak memory, goals, the printed line
    window.py     start to first paint and memory, against an empty QMainWindow
    dashboard.py  campaign_stats and `stats --json`, against the same aggregates in raw SQL
    lists.py      every record list through ui/record_model: first rows, scroll to the end, sort, search
    exports.py    ledgers, 登记表 for many teams, 总结材料, against bare openpyxl / python-docx
    basics.py     today's two figures (validated inserts, a member list page with a search)
"""
