"""Explorer: InteractionMatrix plus a baseline editor that asks the kernel to recompute Γ.

Traits and the command follow js/CONTRACT.md; the view is js/src/widgets/explorer.js.
method="ih" explains at one baseline (the editor sets it). method="eh" averages over `data`;
there the edited baseline is where the background distribution's mean is moved to (kind "mean"
leaves the data as given), and the baseline sweep is Integrated Hessians around it.

One door: the traits `baseline`, `baseline_kind` and `baseline_sample` say what is explained,
and `_apply` is the only code that recomputes. Whoever changes them (Python, or the view, which
commits them and then sends the bare "apply_baseline" request for the answer) goes through it.
A recompute that fails changes nothing: the three traits go back to what the matrix was computed
at, and `status` shows the error.
"""
from __future__ import annotations

import warnings

import torch
import traitlets as t

from . import recompute as ex
from .checks import TraitValueError, check_choice, check_int, check_number, check_str
from .interaction_matrix import InteractionMatrix, view_options
from .payloads.interaction import matrix_payload
from .serialize import as_float32, same_array
from .traits import Choice, Float32Array, Index, Record, Text

_IDLE = {"state": "idle", "message": "", "progress": 1.0}
STATES = ("idle", "computing", "error")


def check_status(value, widget=None) -> dict:
    """{"state": "idle" | "computing" | "error", "message": str, "progress": 0..1}."""
    if not isinstance(value, dict) or set(value) != {"state", "message", "progress"}:
        raise TraitValueError(f"status: expected a dict with keys 'state', 'message', 'progress', got {value!r}")
    return {"state": check_choice(value["state"], "status['state']", STATES),
            "message": check_str(value["message"], "status['message']"),
            "progress": check_number(value["progress"], "status['progress']", 0.0, 1.0)}


class Explorer(InteractionMatrix, bundle="explorer"):
    """Interaction heatmap of a torch model with an editable baseline and a baseline sweep.

    model: torch module or callable. x: (d,) or (B, d), a tensor, numpy array or pandas DataFrame
    (its columns name the features unless feature_names is given). data: (N, d) background data
    (same kinds; a DataFrame is matched to x's columns by label), for the mean/median/sample
    baselines, the slider ranges and method="eh". method: "ih" | "eh".
    baseline: "zeros" | "mean" | "median" | "sample" (row `baseline_sample` of data) or a (d,)
    tensor; default "zeros" for "ih" and "mean" for "eh". target: as in core. samples, seed: EH
    draws. steps: IH quadrature nodes (None adapts). sweep_features: m features (top |φ|) whose
    row is precomputed at sweep_points values of their baseline (one HVP per point).
    The remaining keywords are InteractionMatrix's (the view options too); with B > 1 inputs,
    view="global" shows the `aggregate` of the B matrices, a recompute (one baseline for all B)
    updates it too, and tab="summary" | "network" shows the dataset views of the B inputs.
    Paper: Janizek, Sturmfels, Lee, JMLR 2021, https://arxiv.org/abs/2002.04138.
    """

    _commands = {"apply_baseline": "_on_apply_baseline"}

    # --- baseline editor (both ways): what is explained; changing one recomputes ---
    baseline = Float32Array(("d",)).tag(sync=True)
    """(d,) float32: the baseline being explained. Setting it (from Python or the view) recomputes."""
    baseline_kind = Choice(ex.KINDS, "zeros").tag(sync=True)
    """"zeros" | "mean" | "median" | "sample" | "custom": where `baseline` came from; setting it recomputes."""
    baseline_sample = Index(0, lambda w: max(w._dims["N"], 1)).tag(sync=True)
    """The data row used when baseline_kind == "sample" (0 ≤ row < N)."""

    # --- context (Python → JS) ---
    data_range = Float32Array((2, "d"), optional=True).tag(sync=True)
    """(2, d) float32: per-feature min and max of data (slider range), or shape [0] without data."""
    kernel_hint = Text("run the cell to make it live").tag(sync=True)
    """Shown next to "live kernel needed to recompute" when no kernel answers."""
    status = Record(check_status, dict(_IDLE)).tag(sync=True)
    """{"state": "idle" | "computing" | "error", "message": str, "progress": 0..1}."""

    def __init__(
        self, model, x, data=None, feature_names=None, method="ih", baseline=None, target=None,
        samples=200, seed=0, sweep_features=8, sweep_points=12, *, steps=None, baseline_sample=0,
        title=None, sample=0, order="given", top_n=0, color_scale=None, higher_order=None, view="sample",
        aggregate="mean_abs", **options,
    ):
        options = view_options(options)
        method = check_choice(method, "method", tuple(ex.METHODS))
        xb, labels = ex.as_matrix_input(x, "x")
        d = xb.shape[1]
        data_t = None if data is None else ex.as_matrix_input(data, "data", align_to=labels)[0]
        if feature_names is None:
            feature_names = labels  # a DataFrame's columns name the features
        if data_t is not None and data_t.shape[1] != d:
            raise TraitValueError(f"data: expected shape (N, {d}) to match x's features, got {tuple(data_t.shape)}")
        if method == "eh" and data_t is None:
            raise TraitValueError("data: method='eh' averages over background data; pass data=(N, d)")
        self._setting = ex.Setting(
            model, xb, None if data_t is None else data_t.to(xb), method, target,
            check_int(samples, "samples", 1), None if seed is None else check_int(seed, "seed"),
            None if steps is None else check_int(steps, "steps", 1),
            check_int(sweep_features, "sweep_features", 0), check_int(sweep_points, "sweep_points", 0),
        )
        N = 0 if data_t is None else data_t.shape[0]
        kind, custom = _kind_of(baseline, method)
        row = check_int(baseline_sample, "baseline_sample", 0, max(N, 1))
        b = ex.resolve_baseline(kind, data_t, d, row, custom)
        result, (feats, values, sweep) = ex.retry_forward_ad_race(self._compute, b, sample)
        traits, _ = matrix_payload(result, feature_names)
        m = len(feats)
        traits.update(sweep=sweep, sweep_values=values if m else None, sweep_features=list(feats), baseline=b,
                      baseline_kind=kind, baseline_sample=row,
                      data_range=None if data_t is None else torch.stack([data_t.amin(0), data_t.amax(0)]))
        self._applied, self._outcome = (kind, row, as_float32(b)), {"ok": True}
        self._init_traits(traits, ex.METHODS[method], title=title, dims={"m": m, "K": values.shape[1] if m else 0, "N": N},
                          aggregate=aggregate, view=view, sample=sample, order=order, top_n=top_n,
                          color_scale=color_scale, higher_order=higher_order, **options)

    # --- the Python method, and the view's request ---
    def recompute(self, baseline=None, *, kind=None, row=None) -> dict:
        """Explain again: at `baseline` (d values; kind becomes "custom"), at a `kind` ("zeros",
        "mean", "median", "sample" = data row `row`), or at the current settings.

        Returns {"ok": True} once every trait is updated, or {"ok": False, "error": message}; on
        failure nothing changes and `status` shows the error.
        """
        if baseline is not None and kind is None:
            kind = "custom"
        kind = self.baseline_kind if kind is None else kind
        row = self.baseline_sample if row is None else row
        return self._apply(kind, row, self.baseline if baseline is None else baseline, force=True)

    def _on_apply_baseline(self, msg) -> dict:
        """The view's "apply_baseline" request: it committed the baseline traits; answer how that went."""
        return self._apply(self.baseline_kind, self.baseline_sample, self.baseline) or self._outcome

    @t.observe("baseline", "baseline_kind", "baseline_sample")
    def _follow(self, change):
        # A baseline other than the explained one is a custom baseline, whatever the kind said.
        kind = self.baseline_kind
        if change["name"] == "baseline":
            kind = self._applied[0] if same_array(change["new"], self._applied[2]) else "custom"
        outcome = self._apply(kind, self.baseline_sample, self.baseline)
        if outcome and not outcome["ok"] and not self._from_front_end(change["name"]):
            warnings.warn(f"Explorer: recompute failed, the matrix is unchanged: {outcome['error']}", RuntimeWarning,
                          stacklevel=4)

    # --- the one door ---
    def _apply(self, kind, row, baseline, force=False) -> dict | None:
        """Explain at the baseline that (kind, row, baseline) name. None when that is what the matrix
        shows already (and not `force`); else {"ok": True} or {"ok": False, "error": message}.

        One at a time (recompute.computing): a trait update and the view's request for the same edit
        may arrive on two threads (a kernel subshell); the second then finds the work done."""
        with ex.computing():
            return self._apply_locked(kind, row, baseline, force)

    def _apply_locked(self, kind, row, baseline, force) -> dict | None:
        try:
            kind = check_choice(kind, "baseline_kind", ex.KINDS)
            row = check_int(row, "baseline_sample", 0, max(self._dims["N"], 1))
            custom = as_float32(baseline, "baseline") if kind == "custom" else None
            target = as_float32(ex.resolve_baseline(kind, self._setting.data, self._dims["d"], row, custom), "baseline")
            shown = (self._applied[0] == kind and same_array(self._applied[2], target)
                     and (kind != "sample" or self._applied[1] == row))  # the row matters for kind "sample" only
            if shown and not force:
                self._applied = (kind, row, target)
                return None
            self._set_status("computing", "computing Γ", 0.0)
            b = torch.from_numpy(target.copy()).double()
            result, (feats, values, sweep) = ex.retry_forward_ad_race(self._compute, b, self.sample)
            traits, _ = matrix_payload(result, self.feature_names)
            before, self._applied = self._applied, (kind, row, target)
            try:
                with self.hold_sync(), self.hold_trait_notifications():
                    for name in ("matrix", "attributions", "inputs", "baselines"):
                        setattr(self, name, traits[name])
                    self.sweep, self.sweep_values, self.sweep_features = sweep, values if feats else None, list(feats)
                    self.baseline, self.baseline_kind, self.baseline_sample = target, kind, row
            except Exception:
                self._applied = before
                raise
        except Exception as err:  # noqa: BLE001 - the view must always get an answer
            return self._fail(err)
        self._outcome = {"ok": True}
        self.status = dict(_IDLE)
        return self._outcome

    def _fail(self, err) -> dict:
        """Put the baseline traits back to what the matrix was computed at, and show the error."""
        kind, row, b = self._applied
        with self.hold_sync(), self.hold_trait_notifications():
            self.baseline, self.baseline_kind, self.baseline_sample = b, kind, row
        message = f"{type(err).__name__}: {err}"
        self._outcome = {"ok": False, "error": message}
        self._set_status("error", message, 0.0)
        return self._outcome

    def _on_refused(self, err):
        self._fail(err)

    def _repr_fields(self):
        return [*super()._repr_fields(), ("baseline_kind", repr(self.baseline_kind))]

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

    def _set_status(self, state, message, progress, only_if_computing=False):
        if only_if_computing and self.status.get("state") != "computing":
            return
        self.status = {"state": state, "message": message, "progress": float(progress)}


def _kind_of(baseline, method):
    """(kind, custom values) from the `baseline` argument."""
    if baseline is None:
        return ("mean" if method == "eh" else "zeros"), None
    if isinstance(baseline, str):
        return check_choice(baseline, "baseline", ex.KINDS[:-1]), None
    if isinstance(baseline, torch.Tensor) or hasattr(baseline, "__array__") or isinstance(baseline, (list, tuple)):
        return "custom", as_float32(baseline, "baseline")
    raise TypeError(f"baseline: expected 'zeros', 'mean', 'median', 'sample' or a (d,) tensor, got {type(baseline).__name__}")
