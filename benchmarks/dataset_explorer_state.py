"""DatasetExplorer: what travels to the browser, for stores of 1,000 and 100,000 examples.

    .venv/bin/python benchmarks/dataset_explorer_state.py      # about half a minute here

Stores: a d = 5 Softplus MLP explained by Integrated Hessians (2 nodes, chunks of 4096; the
widget only reads, so the quadrature does not matter), written under a temporary directory.
Prints, per store: the widget's synced state in bytes (JSON plus binary buffers, what a saved
notebook or an HTML export holds), the examples kept in it, the bytes one "fetch_example" answer
sends, and the rows one "page" answer sends. The target is a state under 5 MB at 100,000
examples that does not grow with the store (tests/widgets/test_dataset_explorer.py asserts it).
"""
from __future__ import annotations

import datetime
import json
import sys
import tempfile
from pathlib import Path

import torch
from ipywidgets.widgets.widget import _remove_buffers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import taylor_widgets as tw  # noqa: E402
from _stores import write_store  # noqa: E402


def state_bytes(w) -> int:
    state, _, buffers = _remove_buffers(w.get_state())
    return len(json.dumps(state).encode()) + sum(memoryview(b).nbytes for b in buffers)


def main() -> None:
    torch.set_num_threads(1)
    print(f"# {datetime.date.today()}, torch {torch.__version__}")
    print("| examples | synced state (bytes) | kept | one fetched example (bytes) | rows per page answer |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1_000, 100_000):
            w = tw.DatasetExplorer(write_store(Path(tmp) / f"s{n}", n))
            w.sort_by, w.descending = "abs_value", True
            page = w._on_page({})
            _, buffers = w._on_fetch({"index": n - 1})
            fetched = sum(memoryview(b).nbytes for b in buffers)
            print(f"| {n:,} | {state_bytes(w):,} | {len(w.kept)} | {fetched} | {len(page['rows'])} of {page['total']:,} |")


if __name__ == "__main__":
    main()
