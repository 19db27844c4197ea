"""The base of every core result: one small interface over the tensors a method returns.

Each family keeps its result types in its own `results.py` (paths/, higher_order/, cam/,
taylor/, saliency/); all derive from `Result` here. Values stay torch tensors; the interface
gives the user their own types back and a short description:

- `method`: the name of what produced the result, e.g. "integrated_hessians";
- `feature_names`: the names of the features (or players), or None;
- `to_numpy()`: the main values as a numpy array (each class says which);
- `to_frame()`: a tidy pandas DataFrame of the main values, features named by `feature_names`
  (pandas is imported only here, when asked for);
- `summary()`: a small dict: method, the shapes of the tensors, the top interactions and the
  completeness error where they are defined;
- a deterministic `__repr__` (shapes and a few rounded numbers, never addresses);
- `_repr_html_`: a small HTML summary for notebooks (the method, the values' shape, the top
  interactions as a table, the completeness error). Plain escaped HTML, deterministic (stored
  notebooks are compared as text); `%load_ext taylor_widgets` shows results as widgets instead.
"""
from __future__ import annotations

import dataclasses
import html

import torch


class Result:
    """Base of the result types. Subclasses implement `_main()`, and `_frame(pd)` when the main
    values are not a (B, n) table; `_top(n)` and `_completeness()` when those are defined.

    `method` and `feature_names` are fields or class attributes of each subclass (not declared
    here: a dataclass would read a base default as its own).
    """

    # --- what a subclass provides --------------------------------------------------------------

    def _main(self) -> torch.Tensor:
        raise NotImplementedError

    def _frame(self, pd):
        """Default: the main values (B, ...) as one row per example, one column per (flattened) feature."""
        v = self._main().detach().cpu()
        v = v.reshape(v.shape[0], -1)
        return pd.DataFrame(v.numpy(), columns=self.names(v.shape[1]), index=pd.RangeIndex(v.shape[0], name="example"))

    def _top(self, n: int) -> list[tuple[tuple[str, ...], float]] | None:
        return None

    def _completeness(self) -> float | None:
        return None

    # --- the common interface -------------------------------------------------------------------

    def names(self, n: int) -> list[str]:
        """The feature names when there are n of them, else x0 … x{n−1}."""
        names = getattr(self, "feature_names", None)
        return list(names) if names is not None and len(names) == n else [f"x{i}" for i in range(n)]

    def to_numpy(self):
        """The main values as a numpy array (a copy on the CPU)."""
        return self._main().detach().cpu().numpy().copy()

    def to_frame(self):
        """A tidy pandas DataFrame of the main values (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - pandas ships with the test extra
            raise ImportError("to_frame needs pandas: pip install pandas") from e
        return self._frame(pd)

    def summary(self, n: int = 5) -> dict:
        """A small dict: method, shapes, and where defined top_interactions (up to n) and completeness_error (max |·|)."""
        out = {"method": self.method, "shapes": self.shapes()}
        top = self._top(n)
        if top is not None:
            out["top_interactions"] = top
        err = self._completeness()
        if err is not None:
            out["completeness_error"] = err
        return out

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """The shape of every tensor field, in declaration order."""
        fields = dataclasses.fields(self) if dataclasses.is_dataclass(self) else ()
        return {f.name: tuple(getattr(self, f.name).shape) for f in fields
                if isinstance(getattr(self, f.name), torch.Tensor)}

    def _repr_html_(self, n: int = 5) -> str:
        """A small HTML summary: the type and method, the main values' shape, up to n top
        interactions, the completeness error. Every name is escaped (feature names are untrusted text)."""
        s = self.summary(n)
        esc = html.escape
        head = (f'<div class="tw-result"><strong>{esc(type(self).__name__)}</strong> · '
                f"method <code>{esc(str(s['method']))}</code> · values {tuple(self._main().shape)}")
        parts = [head]
        if "completeness_error" in s:
            parts.append(f"<br>max |completeness error| = {s['completeness_error']:.3g}")
        top = s.get("top_interactions")
        if top:
            rows = "".join(f"<tr><td>{esc(' × '.join(str(m) for m in members))}</td>"
                           f"<td style=\"text-align:right\">{value:.4g}</td></tr>" for members, value in top)
            parts.append(f'<table><thead><tr><th>top interactions</th><th>value</th></tr></thead>'
                         f"<tbody>{rows}</tbody></table>")
        parts.append("</div>")
        return "".join(parts)

    def __repr__(self) -> str:
        parts = [f"method={self.method!r}"]
        main = self._main()
        parts.append(f"values={tuple(main.shape)}")
        err = self._completeness()
        if err is not None:
            parts.append(f"max |completeness error|={err:.2e}")
        return f"{type(self).__name__}({', '.join(parts)})"


def top_pairs(matrix: torch.Tensor, names: list[str], n: int) -> list[tuple[tuple[str, ...], float]]:
    """The n strongest off-diagonal pairs i < j of a (d, d) matrix by |value|, as ((name_i, name_j), value)."""
    d = matrix.shape[-1]
    iu = torch.triu_indices(d, d, 1)
    vals = matrix[iu[0], iu[1]].detach().cpu()
    order = torch.sort(vals.abs(), descending=True, stable=True).indices[:n]
    return [((names[int(iu[0, k])], names[int(iu[1, k])]), float(vals[k])) for k in order]


def max_abs(t: torch.Tensor | None) -> float | None:
    """max |t| as a float (NaN entries count), or None."""
    if t is None or t.numel() == 0:
        return None
    return float(t.detach().abs().max())
