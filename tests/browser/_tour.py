"""Tour 01's model and data, built by the tour's own cells (notebooks/01_tabular_interactions.ipynb),
so that a browser test looks at the very Explorer a reader of the tour sees."""
import json
from functools import lru_cache
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_tabular_interactions.ipynb"


@lru_cache(maxsize=1)
def tour01() -> dict:
    """The namespace after tour 01's data and model cells: model, X, names, train, test."""
    ns: dict = {}
    for cell in json.loads(NOTEBOOK.read_text())["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and ("load_diabetes" in src or "opt.step()" in src):
            exec(compile(src, str(NOTEBOOK), "exec"), ns)  # noqa: S102 - our own tour's cells
    return ns
