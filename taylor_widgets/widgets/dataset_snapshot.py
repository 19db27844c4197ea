"""The picture of a DatasetExplorer for hosts that cannot run widgets: the matrix the view shows
(the store's global matrix, or the shown example's) and the first rows of the current table page.

Drawn with matplotlib's object API (no pyplot state), in the view's colours: a diverging map
centred at 0 for signed matrices, its upper half for non-negative ones (mean |Γ|, mean Γ²).
"""
from __future__ import annotations

import numpy as np

#: Feature labels are drawn up to this many features; beyond, the axes carry indices only.
MAX_LABELS = 30
#: Table rows shown in the picture.
MAX_ROWS = 12


def snapshot_figure(w):
    """A matplotlib Figure of DatasetExplorer `w`'s current view (see the module docstring)."""
    from matplotlib.figure import Figure

    glob = w.view == "global"
    m = np.asarray(w.global_matrix if glob else w.explanations.matrix(w.example), dtype=np.float64)
    label = w.global_label if glob else f"example {w.example}: {w.value_label}"
    names, d = list(w.feature_names), m.shape[0]
    scheme = (w.color_scale or {}).get("scheme", "RdBu")
    vmax = (w.color_scale or {}).get("vmax") or float(np.abs(m).max()) or 1.0
    fig = Figure(figsize=(12, 4.8), layout="constrained")
    ax, tab = fig.subplots(1, 2, width_ratios=[1, 1.4])
    vmin = 0.0 if (m >= 0).all() else -vmax
    cmap = scheme if vmin < 0 else _upper_half(scheme)
    im = ax.imshow(m, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xlabel(label, fontsize=8)
    if d <= MAX_LABELS:
        ax.set_xticks(range(d), names, rotation=90, fontsize=7)
        ax.set_yticks(range(d), names, fontsize=7)
        ax.xaxis.set_label_position("top")
    ax.set_title(w.title, fontsize=10)
    _table(tab, w)
    return fig


def _upper_half(scheme: str):
    """The non-negative half of a diverging map (white at 0), as the view draws mean |Γ|."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    base = colormaps[scheme]
    return ListedColormap(base(np.linspace(0.5, 1.0, 128)))


def _table(ax, w):
    df = w.rows().head(MAX_ROWS)
    ax.axis("off")
    shown = min(MAX_ROWS, len(df))
    note = (f"{w.matching()} of {w.n_examples} examples match, sorted by {w.sort_by}"
            f"{' (descending)' if w.descending else ''}; page {w.page + 1}, first {shown} rows")
    ax.set_title(note, fontsize=8)
    if not shown:
        return
    cols = ["prediction", *(["error"] if "error" in df else []), "pair", "value"]
    cells = [[f"{v:.4g}" if isinstance(v, float) else str(v) for v in row] for row in df[cols].itertuples(index=False)]
    widths = {"prediction": 0.16, "error": 0.16, "pair": 0.42, "value": 0.16}
    table = ax.table(cellText=cells, rowLabels=[str(i) for i in df.index], colLabels=cols, loc="upper center",
                     cellLoc="left", colWidths=[widths[c] for c in cols])
    table.auto_set_font_size(False)
    table.set_fontsize(7)
