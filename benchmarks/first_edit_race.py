"""The first baseline edit after the cell, in fresh JupyterLab sessions: does it fail with torch's
"forward AD level with an invalid index", and on which kernel threads do the edit's two messages
(the trait update and the "apply_baseline" request) run?

    .venv/bin/python benchmarks/first_edit_race.py [--trials 10] [--no-lock]

Each trial starts a fresh jupyter server and kernel (benchmarks/widget_render.py's d = 32 cell),
runs the cell, and edits a baseline field as soon as the heatmap is drawn. The cell records, per
call of Explorer._apply, the kernel thread and whether another call was running at that moment.
--no-lock replaces the compute lock and the retry (taylor_widgets/widgets/recompute.py) by
no-ops, which is how the code ran before them. JupyterLab ≥ 4.4 sends widget messages over a
kernel subshell (a thread of its own) once it has one; the first messages may still reach the
main shell. Not a test: it prints what it saw.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.widget_render import CELL  # noqa: E402
from taylor_widgets.testing.hosts import CHROMIUM, CHROMIUM_ARGS, jupyter_server, run_first_cell  # noqa: E402

# The tracing, then benchmarks/widget_render.py's cell (its imports, model, data and Explorer).
TRACE = """import json, threading, contextlib, torch
from taylor_widgets.widgets import explorer as _ex, recompute as _rc
if {no_lock}:
    _rc.COMPUTE_LOCK = contextlib.nullcontext()
    _rc.retry_forward_ad_race = lambda fn, *a, **k: fn(*a, **k)
_calls, _running = [], [0]
_orig = _ex.Explorer._apply_locked
def _traced(self, *a, **k):
    _running[0] += 1
    _calls.append({{"thread": threading.current_thread().name, "overlap": _running[0] > 1}})
    try:
        out = _orig(self, *a, **k)
    finally:
        _running[0] -= 1
    _calls[-1]["outcome"] = out
    with open({log!r}, "w") as f:
        json.dump(_calls, f)
    return out
_ex.Explorer._apply_locked = _traced
"""


def trial(browser, no_lock: bool) -> dict:
    root = Path(tempfile.mkdtemp())
    log = root / "calls.json"
    with jupyter_server(root, "race.ipynb", TRACE.format(no_lock=no_lock, log=str(log)) + CELL) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(base + "/lab/tree/race.ipynb")
            page.locator(".jp-Cell .cm-content").first.wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            for _ in range(3):  # a dialog (kernel choice, build notice) would swallow the clicks: accept it
                dialog = page.locator(".jp-Dialog .jp-mod-accept")
                if dialog.count():
                    dialog.first.click()
                    page.wait_for_timeout(500)
            run_first_cell(page)
            page.locator("[data-testid=tw-heatmap]").wait_for(timeout=120_000)
            field = page.locator("[data-testid=tw-baseline-input-0]")
            field.fill("0.3")
            field.press("Enter")
            page.wait_for_function(
                "() => { const s = document.querySelector('[data-testid=tw-status]');"
                " return s && s.dataset.state !== 'computing' && !/Recomputing/.test(s.innerText); }", timeout=120_000)
            page.wait_for_timeout(500)
            status = page.locator("[data-testid=tw-status]").inner_text()
        finally:
            page.close()
    calls = json.loads(log.read_text()) if log.exists() else []
    if calls and "error" in str(calls[-1].get("outcome")):
        print("  last outcome:", calls[-1]["outcome"], flush=True)
    return {"status": status, "calls": calls}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=10)
    p.add_argument("--no-lock", action="store_true")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    failures = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for t in range(args.trials):
                try:
                    r = trial(browser, args.no_lock)
                except Exception as err:  # noqa: BLE001 - a harness hiccup is not a result
                    print(f"trial {t}: not run ({type(err).__name__}: {str(err)[:120]})", flush=True)
                    continue
                failed = "invalid index" in r["status"] or any(
                    "invalid index" in str((c.get("outcome") or {}).get("error", "")) for c in r["calls"])
                failures += failed
                threads = [c["thread"] for c in r["calls"]]
                overlaps = sum(c["overlap"] for c in r["calls"])
                print(f"trial {t}: {'FAILED' if failed else 'ok'}; _apply calls on threads {threads}, "
                      f"{overlaps} overlapping; status: {r['status'][:90]!r}", flush=True)
        finally:
            browser.close()
    print(f"{failures} of {args.trials} first edits failed ({'no lock' if args.no_lock else 'with the lock'})")


if __name__ == "__main__":
    main()
