"""The IPython extension: `%load_ext taylor_widgets`.

Once loaded, a result that ends a cell shows as its widget:
- interactions (a PathResult with a full matrix, GlobalInteractions, CrossDerivatives of all
  pairs, NIDResult) as InteractionMatrix; interactions per token (explained from ids with
  `embedding=`, or with `embedding_axis=`) or one that carries `tokens` as the text view
  `tw.TextInteractions`, its tokens those, else the result's feature names or positions;
- CAM results as CAMViewer, drawn on the explained images;
- AuditResult as AllocationView, and TaylorEffects as AllocationView of the even split of each
  effect among its members (the Shapley value, `core.taylor.even_share_audit`).
Any other result, or one that its widget refuses, keeps its HTML summary (`Result._repr_html_`).
`%unload_ext taylor_widgets` restores plain display. `%tw_export OUT.html [NOTEBOOK.ipynb]`
writes the current notebook (as last saved) as one offline file, with the widget state of this
kernel's live widgets (JupyterLab does not save widget state into the file by default).
"""
from __future__ import annotations

import html
import os
import shlex
from pathlib import Path

_HTML = "text/html"


def _result_types() -> tuple[type, ...]:
    from ..core import (AuditResult, CrossDerivatives, GlobalInteractions, GradCAMResult, NIDResult, PathResult,
                        TaylorCAMResult, TaylorEffects)

    return (PathResult, GlobalInteractions, CrossDerivatives, NIDResult, GradCAMResult, TaylorCAMResult,
            AuditResult, TaylorEffects)


def cam_images(result):
    """(B, H, W, 3) float images in [0, 1] for a CAM result: its explained images, each rescaled to
    [0, 1] when outside it (normalised inputs), or mid-grey when the result holds none."""
    import torch

    from ..core import TaylorCAMResult

    gc = result.grad_cam if isinstance(result, TaylorCAMResult) else result
    B, H, W = gc.upsampled.shape
    x = getattr(gc, "x", None)
    if x is None or x.ndim != 4 or tuple(x.shape[-2:]) != (H, W):
        return torch.full((B, H, W, 3), 0.5)
    x = x.detach().cpu().double()
    x = x if x.shape[1] in (1, 3) else x.mean(1, keepdim=True)
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    lo, hi = x.amin((1, 2, 3), keepdim=True), x.amax((1, 2, 3), keepdim=True)
    if float(lo.min()) < 0 or float(hi.max()) > 1:
        x = (x - lo) / (hi - lo).clamp_min(1e-12)
    return x.permute(0, 2, 3, 1).float()


def widget_for(result):
    """The widget that shows `result`, or None when none applies (e.g. IG attributions, rows=).

    Raises what the widget raises when it refuses the result (ValueError / TypeError).
    """
    import taylor_widgets as tw

    from ..core import (AuditResult, CrossDerivatives, GlobalInteractions, GradCAMResult, NIDResult, PathResult,
                        TaylorCAMResult, TaylorEffects)
    from ..core.taylor import even_share_audit

    if isinstance(result, PathResult):
        if not result.is_interaction or result.rows is not None:
            return None
        from ..widgets.payloads.text import is_token_result

        tokens = getattr(result, "tokens", None)  # a result may carry its tokens (set by the user)
        if tokens is not None or is_token_result(result):
            return tw.TextInteractions(result, tokens)
        return tw.InteractionMatrix(result)
    if isinstance(result, CrossDerivatives):
        return tw.InteractionMatrix(result) if result.matrix is not None else None
    if isinstance(result, (GlobalInteractions, NIDResult)):
        return tw.InteractionMatrix(result)
    if isinstance(result, (GradCAMResult, TaylorCAMResult)):
        return tw.CAMViewer(cam_images(result), result)
    if isinstance(result, AuditResult):
        return tw.AllocationView(result)
    if isinstance(result, TaylorEffects):
        return tw.AllocationView(even_share_audit(result),
                                 title="Taylor effects, each shared evenly among its members (Shapley value)")
    return None


def result_bundle(result):
    """The display bundle of a result while the extension is loaded: its widget's, else its summary."""
    try:
        widget = widget_for(result)
        why = ""
    except (TypeError, ValueError) as err:
        widget, why = None, f"{type(err).__name__}: {err}"
    if widget is not None:
        return widget._repr_mimebundle_()
    summary = result._repr_html_()
    if why:
        summary += f'<div class="tw-note">no widget for this result: {html.escape(why)}</div>'
    return {"text/plain": repr(result), _HTML: summary}


# The printers this extension registered, per IPython instance, and what they replaced.
_REGISTERED: dict[int, list[tuple[object, type, object]]] = {}


def load(ip) -> None:
    """Register the result printers and the %tw_export magic on IPython shell `ip` (idempotent)."""
    if id(ip) in _REGISTERED:
        return
    fmt = ip.display_formatter
    bundles, htmls = fmt.mimebundle_formatter, fmt.formatters[_HTML]
    saved = []
    for cls in _result_types():
        # The bundle carries the HTML when there is no widget; the html printer then adds nothing,
        # so a widget's picture is not hidden behind an HTML table in hosts that prefer HTML.
        saved.append((bundles, cls, bundles.for_type(cls, result_bundle)))
        saved.append((htmls, cls, htmls.for_type(cls, lambda _r: None)))
    _REGISTERED[id(ip)] = saved
    ip.register_magic_function(tw_export, magic_kind="line", magic_name="tw_export")


def unload(ip) -> None:
    """Undo `load`: the result types display as before (their HTML summary)."""
    for formatter, cls, old in reversed(_REGISTERED.pop(id(ip), [])):
        formatter.type_printers.pop(cls, None)
        if old is not None:
            formatter.for_type(cls, old)
    ip.magics_manager.magics["line"].pop("tw_export", None)


def current_notebook() -> Path | None:
    """The notebook this kernel serves, where the host says so (jupyter_server, VS Code), else None."""
    path = os.environ.get("JPY_SESSION_NAME")
    try:
        from IPython import get_ipython

        ip = get_ipython()
        vsc = ip.user_ns.get("__vsc_ipynb_file__") if ip is not None else None
    except Exception:  # noqa: BLE001 - outside IPython there is nothing to ask
        vsc = None
    for candidate in (vsc, path):
        if candidate and str(candidate).endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate)
    return None


def live_widget_state() -> dict:
    """ipywidgets' manager state ({"state": {model id: …}}) of this kernel's widgets; a widget whose
    state cannot be read (closed) is left out rather than failing the export."""
    from ipywidgets import Widget
    from ipywidgets.widgets import widget as widget_module

    instances = getattr(widget_module, "_instances", None)
    state = {}
    for model_id, w in list((instances if instances is not None else Widget.widgets).items()):
        try:
            state[model_id] = w._get_embed_state(drop_defaults=False)
        except Exception:  # noqa: BLE001 - one unreadable widget must not lose the others
            continue
    return {"version_major": 2, "version_minor": 0, "state": state}


def tw_export(line: str) -> None:
    """%tw_export OUT.html [NOTEBOOK.ipynb]: write the notebook as one offline HTML file.

    The notebook is read as last saved (save it first); the widgets of this kernel add or update
    their saved state, so they are live in the file even when the host does not save widget state.
    """
    from .notebook import export_notebook

    try:
        args = shlex.split(line)
    except ValueError as err:
        raise ValueError(f"%tw_export: {err}") from None
    if not 1 <= len(args) <= 2:
        raise ValueError("%tw_export: usage: %tw_export OUT.html [NOTEBOOK.ipynb]")
    src = Path(args[1]) if len(args) == 2 else current_notebook()
    if src is None:
        raise ValueError("%tw_export: this kernel does not know its notebook file; "
                         "name it: %tw_export OUT.html NOTEBOOK.ipynb")
    dst = export_notebook(src, args[0], widget_state=live_widget_state())
    print(f"wrote {dst} from {src} as last saved (save the notebook first to include the latest outputs)")
