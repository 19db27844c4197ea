"""Explorer: InteractionMatrix plus a baseline editor that asks the kernel to recompute Γ.

Traits and commands follow js/CONTRACT.md; the view is js/src/widgets/explorer.js.
method="ih" explains at one baseline (the editor sets it). method="eh" averages over `data`;
there the edited baseline is where the background distribution's mean is moved to (kind "mean"
leaves the data as given), and the baseline sweep is Integrated Hessians around it.
"""
from __future__ import annotations

import contextlib
import warnings

import anywidget
import torch
import traitlets as t

from . import _checks as chk
from . import _explain as ex
from ._serialize import Float32Array, as_float32
from .interaction_matrix import _STATIC, InteractionMatrix

_IDLE = {"state": "idle", "message": "", "progress": 1.0}


class Explorer(InteractionMatrix):
    """Interaction heatmap of a torch model with an editable baseline and a baseline sweep.

    model: torch module or callable. x: (d,) or (B, d). data: (N, d) background data, for the
    mean/median/sample baselines, the slider ranges and method="eh". method: "ih" | "eh".
    baseline: "zeros" | "mean" | "median" | "sample" (row `baseline_sample` of data) or a (d,)
    tensor; default "zeros" for "ih" and "mean" for "eh". target: as in core. samples, seed: EH
    draws. steps: IH quadrature nodes (None adapts). sweep_features: m features (top |φ|) whose
    row is precomputed at sweep_points values of their baseline (one HVP per point).
    The remaining keywords are InteractionMatrix's; with B > 1 inputs, view="global" shows the
    `aggregate` of the B matrices, and a recompute (one baseline for all B) updates it too.
    """

    _esm = _STATIC / "explorer.js"

    # --- baseline editor (both ways) ---
    baseline = Float32Array(ndim=1).tag(sync=True)
    """(d,) float32: the baseline being explained. Setting it from Python recomputes."""
    baseline_kind = t.Unicode("zeros").tag(sync=True)
    """"zeros" | "mean" | "median" | "sample" | "custom": where `baseline` came from."""
    baseline_sample = t.Int(0).tag(sync=True)
    """The data row used when baseline_kind == "sample"."""

    # --- context (Python → JS) ---
    data_range = Float32Array(ndim=2).tag(sync=True)
    """(2, d) float32: per-feature min and max of data (slider range), or shape [0] without data."""
    kernel_hint = t.Unicode("re-run the notebook to recompute").tag(sync=True)
    """Shown next to "live kernel needed to recompute" when no kernel answers."""
    status = t.Dict(default_value=dict(_IDLE)).tag(sync=True)
    """{"state": "idle" | "computing" | "error", "message": str, "progress": 0..1}."""

    def __init__(
        self, model, x, data=None, feature_names=None, method="ih", baseline=None, target=None,
        samples=200, seed=0, sweep_features=8, sweep_points=12, *, steps=None, baseline_sample=0,
        title=None, sample=0, order="given", top_n=0, color_scale=None, higher_order=None, view="sample",
        aggregate="mean_abs",
    ):
        self._quiet = 0
        method = chk.check_choice(method, "method", tuple(ex.METHODS))
        xb = ex.as_matrix_input(x, "x")
        d = xb.shape[1]
        data_t = None if data is None else ex.as_matrix_input(data, "data")
        if data_t is not None and data_t.shape[1] != d:
            raise ValueError(f"data: expected shape (N, {d}) to match x's features, got {tuple(data_t.shape)}")
        if method == "eh" and data_t is None:
            raise ValueError("data: method='eh' averages over background data; pass data=(N, d)")
        self._setting = ex.Setting(
            model, xb, None if data_t is None else data_t.to(xb), method, target,
            chk.check_int(samples, "samples", 1), None if seed is None else chk.check_int(seed, "seed"),
            None if steps is None else chk.check_int(steps, "steps", 1),
            chk.check_int(sweep_features, "sweep_features", 0), chk.check_int(sweep_points, "sweep_points", 0),
        )
        kind, custom = _kind_of(baseline, method)
        b = ex.resolve_baseline(kind, data_t, d, baseline_sample, custom)
        result, rows = self._compute(b, sample)
        traits, _ = chk.matrix_payload(result, feature_names)
        self._quiet += 1
        try:
            self._init_traits(traits, ex.METHODS[method], title=title, aggregate=aggregate, view=view, sample=sample,
                              order=order, top_n=top_n, color_scale=color_scale, higher_order=higher_order)
            self.set_trait("baseline", b)
            self.baseline_kind, self.baseline_sample = kind, chk.check_int(baseline_sample, "baseline_sample", 0)
            self.data_range = None if data_t is None else torch.stack([data_t.amin(0), data_t.amax(0)])
            self._write_sweep(*rows)
        finally:
            self._quiet -= 1

    # --- kernel commands and their Python API ---
    # anywidget 0.11 keys a command by its attribute name and calls it as (self, msg, buffers),
    # expecting (reply, buffers) back. The JS asks for "recompute" and "set_kind", so these two
    # names are both the commands and the Python methods: a second positional argument (the
    # message's buffers) marks a call from the front end.
    @anywidget.experimental.command
    def recompute(self, baseline=None, _buffers=None, *, kind=None, row=None):
        """Recompute Γ, φ and the sweep at `baseline` (d values; default the current `baseline`).

        kind: the baseline_kind to record on success; row: the data row for kind "sample".
        Returns {"ok": True} after the traits are updated, or {"ok": False, "error": message}; on
        failure nothing the user set changes and `status` shows the error.
        """
        if _buffers is not None:  # front end: msg {"baseline": [d floats], "kind": str, "sample": int}
            msg = baseline if isinstance(baseline, dict) else {}
            return self._answer(lambda: self._recompute(msg.get("baseline"), msg.get("kind"), msg.get("sample")))
        return self._recompute(baseline, kind, row)

    @anywidget.experimental.command
    def set_kind(self, kind, _buffers=None, *, row=None):
        """Resolve baseline kind ("zeros", "mean", "median", "sample" = data row `row`) and recompute.

        Returns {"ok": True, "baseline": [d floats]} or {"ok": False, "error": message}.
        """
        if _buffers is not None:  # front end: msg {"kind": str, "sample": int}
            msg = kind if isinstance(kind, dict) else {}
            return self._answer(lambda: self._set_kind(msg.get("kind"), msg.get("sample")))
        return self._set_kind(kind, row)

    def _recompute(self, baseline, kind, row) -> dict:
        try:
            b = self.baseline if baseline is None else baseline
            b = ex.resolve_baseline("custom", None, self._shape[1], custom=as_float32(b, "baseline"))
            kind = chk.check_choice(kind, "kind", ex.KINDS) if kind is not None else None
            row = chk.check_int(row, "sample", 0) if row is not None else None
            self._set_status("computing", "computing Γ", 0.0)
            result, rows = self._compute(b, self.sample)
        except Exception as err:  # noqa: BLE001 - the front end must always get an answer
            return self._fail(err)
        traits, _ = chk.matrix_payload(result, self.feature_names)
        with self.hold_sync(), self._no_recompute():
            for name in ("matrix", "attributions", "inputs", "baselines"):
                setattr(self, name, traits[name])
            self._write_sweep(*rows)
            self.baseline = b
            if kind is not None:
                self.baseline_kind = kind
            if row is not None:
                self.baseline_sample = row
            self.status = dict(_IDLE)
        return {"ok": True}

    def _set_kind(self, kind, row) -> dict:
        try:
            kind = chk.check_choice(kind, "kind", ex.KINDS)
            row = self.baseline_sample if row is None else chk.check_int(row, "sample", 0)
            custom = self.baseline if kind == "custom" else None
            b = ex.resolve_baseline(kind, self._setting.data, self._shape[1], row, custom)
        except Exception as err:  # noqa: BLE001
            return self._fail(err)
        reply = self._recompute(b, kind, row)
        if reply["ok"]:
            reply["baseline"] = [float(v) for v in self.baseline]
        return reply

    def _fail(self, err) -> dict:
        message = f"{type(err).__name__}: {err}"
        self._set_status("error", message, 0.0)
        return {"ok": False, "error": message}

    @t.validate("baseline_kind")
    def _v_kind(self, proposal):
        return chk.check_choice(proposal["value"], "baseline_kind", ex.KINDS)

    @t.validate("baseline_sample")
    def _v_row(self, proposal):
        return chk.check_int(proposal["value"], "baseline_sample", 0)

    def __repr__(self) -> str:
        B, d = self._shape
        return f"Explorer(B={B}, d={d}, method={self.method!r}, baseline_kind={self.baseline_kind!r})"

    # --- internals ---
    def _compute(self, b, sample):
        """(PathResult, (features, values, sweep)) for baseline b; raises on any failure."""
        s = self._setting
        m = min(s.sweep_features, s.x.shape[1]) if s.sweep_points else 0
        result = ex.explain(s, b)
        self._set_status("computing", "computing the baseline sweep", 1 / (1 + m), only_if_computing=True)
        sample = min(max(int(sample), 0), s.x.shape[0] - 1)
        feats, values = ex.sweep_grid(s, b, result.attributions.detach().cpu().double(), sample)
        report = lambda p: self._set_status(  # noqa: E731
            "computing", "computing the baseline sweep", (1 + p * m) / (1 + m), only_if_computing=True)
        sweep = ex.sweep_rows(s, b, feats, values, sample, report) if feats else None
        return result, (feats, values, sweep)

    def _write_sweep(self, feats, values, sweep):
        self.sweep, self.sweep_values, self.sweep_features = sweep, values if feats else None, list(feats)

    def _set_status(self, state, message, progress, only_if_computing=False):
        if only_if_computing and self.status.get("state") != "computing":
            return
        self.status = {"state": state, "message": message, "progress": float(progress)}

    def _answer(self, fn):
        try:
            reply = fn()
        except Exception as err:  # noqa: BLE001 - a command must answer, or the view waits 60 s
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        return reply, []

    @contextlib.contextmanager
    def _no_recompute(self):
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def set_state(self, sync_data):
        # A baseline edited in the view comes with its own "recompute" request (debounced there).
        with self._no_recompute():
            super().set_state(sync_data)

    @t.observe("baseline")
    def _on_baseline(self, change):
        if self._quiet:
            return
        reply = self._recompute(change["new"], None, None)
        if not reply["ok"]:
            warnings.warn(f"Explorer: recompute failed, the matrix is unchanged: {reply['error']}", RuntimeWarning,
                          stacklevel=3)


def _kind_of(baseline, method):
    """(kind, custom values) from the `baseline` argument."""
    if baseline is None:
        return ("mean" if method == "eh" else "zeros"), None
    if isinstance(baseline, str):
        return chk.check_choice(baseline, "baseline", ex.KINDS[:-1]), None
    if isinstance(baseline, torch.Tensor) or hasattr(baseline, "__array__") or isinstance(baseline, (list, tuple)):
        return "custom", as_float32(baseline, "baseline")
    raise TypeError(f"baseline: expected 'zeros', 'mean', 'median', 'sample' or a (d,) tensor, got {type(baseline).__name__}")
