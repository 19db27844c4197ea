"""TaylorWidget: the one base of every widget in this package.

It owns what each widget would otherwise repeat:
- the bundle: `class X(TaylorWidget, bundle="x")` serves `taylor_widgets/static/x.js` (built
  from js/src/widgets/x.js) as the anywidget `_esm`;
- the fixed dimensions `_dims` ({"B": 2, "d": 5, …}) that the validated traits (traits.py)
  check shapes and ranges against, and `_shape`, the ones named in `_shape_dims`;
- a deterministic `__repr__` from `_repr_fields()`;
- front-end updates that are all-or-nothing: a refused value leaves Python's state as it was
  and sends it back, so the view never keeps a value that Python did not accept;
- kernel commands: a front-end command name maps to a method (`_commands`), whose dict answer
  goes back to the view. The JS side is js/src/lib/invoke.js;
- the static fallback: the display bundle carries, next to the live view, an `image/png` picture
  of the current view (from the widget's `_snapshot_figure()`, drawn with matplotlib) and a
  `text/plain` line saying how to make it live. Hosts that cannot run widgets (GitHub, an
  untrusted notebook, `nbconvert --to markdown`) show the picture.

A new widget is a subclass with its traits (traits.py), `_dims` set before
`super().__init__`, and a JS entry on the shared frame (js/src/views/shared/frame.js).
"""
from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import ClassVar

import anywidget

#: Where `npm run build` writes the bundles (one ES module per widget).
STATIC = Path(__file__).resolve().parent.parent / "static"


class TaylorWidget(anywidget.AnyWidget):
    """Base of the package's widgets: bundle path, fixed dimensions, repr, state and commands."""

    #: The `_dims` keys that make up `_shape`, in order.
    _shape_dims: ClassVar[tuple[str, ...]] = ()
    #: Front-end command name → name of the method that answers it: method(msg) → dict.
    _commands: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, bundle: str | None = None, **kwargs):
        if bundle is not None:  # before anywidget's hook, which turns the path into watched file contents
            cls._bundle = bundle  # the name offline pages file the bundle under (taylor_widgets/sharing)
            cls._esm = STATIC / f"{bundle}.js"
        super().__init_subclass__(**kwargs)

    def __init__(self, **traits):
        if not hasattr(self, "_dims"):
            self._dims = {}
        super().__init__(**traits)
        if self._commands:
            self.on_msg(self._answer_command)

    @property
    def _shape(self) -> tuple[int, ...]:
        """The widget's fixed dimensions named in `_shape_dims`, e.g. (B, d)."""
        return tuple(self._dims[k] for k in self._shape_dims)

    def _repr_fields(self) -> list[tuple[str, str]]:
        """(name, text) pairs for __repr__; by default the `_shape` dimensions."""
        return [(k, str(v)) for k, v in zip(self._shape_dims, self._shape)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in self._repr_fields())})"

    # --- the static fallback: a picture wherever widgets cannot run ---
    #: The text/plain line of the display bundle, after the repr.
    _LIVE_HINT = "interactive view: run the cell, or trust the notebook, to make it live"

    def _snapshot_figure(self):
        """A matplotlib Figure of the current view (same colours, legend and title), or None.

        Each widget overrides this; the base turns it into the `image/png` of the display bundle.
        """
        return None

    def snapshot_png(self, dpi: int = 100) -> bytes | None:
        """PNG bytes of `_snapshot_figure()` (deterministic: no timestamp metadata), or None."""
        fig = self._snapshot_figure()
        if fig is None:
            return None
        import matplotlib.pyplot as plt  # only when a picture is asked for

        try:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        finally:
            plt.close(fig)
        return buf.getvalue()

    def _repr_mimebundle_(self, **kwargs):
        out = super()._repr_mimebundle_(**kwargs)
        if out is None:
            return None
        data, metadata = out if isinstance(out, tuple) else (out, {})
        data["text/plain"] = f"{data.get('text/plain', repr(self))}  [{self._LIVE_HINT}]"
        png = self.snapshot_png()
        if png is not None:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        return data, metadata

    # --- the front end's side of the state ---
    def set_state(self, sync_data):
        """Apply a front-end update all or nothing: on a refused value, Python's traits stay as they
        were and are sent back, so both sides agree again; then the refusal is raised."""
        keys = [k for k in sync_data if k in self.keys]
        before = {k: getattr(self, k) for k in keys}
        try:
            super().set_state(sync_data)
        except Exception as err:
            for k, v in before.items():  # traitlets rolls back only TraitErrors; make sure of the rest
                self.set_trait(k, v)
            self.send_state(keys)
            self._on_refused(err)
            raise

    def _on_refused(self, err: Exception) -> None:
        """Called when a front-end update was refused (a hook: e.g. show it in a status trait)."""

    def _from_front_end(self, name: str) -> bool:
        """True while ipywidgets applies a front-end update of trait `name` (it locks those keys)."""
        return name in self._property_lock

    # --- kernel commands (anywidget's command protocol, answered here so every request gets a reply) ---
    def _answer_command(self, _widget, content, buffers):
        if not isinstance(content, dict) or content.get("kind") != "anywidget-command":
            return
        name = content.get("name")
        method = self._commands.get(name)
        try:
            reply = getattr(self, method)(content.get("msg")) if method else {"ok": False, "error": f"unknown command {name!r}"}
        except Exception as err:  # noqa: BLE001 - the view waits for an answer; it must always get one
            reply = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        self.send({"id": content.get("id"), "kind": "anywidget-command-response", "response": reply}, [])
