"""taylor_widgets: Jupyter widgets that explain how the features of a torch model interact."""
from . import core, datasets, models, scale, widgets
from .core import *  # noqa: F401,F403  (explicit __all__ in core)
from .datasets import *  # noqa: F401,F403  (explicit __all__ in datasets)
from .models import *  # noqa: F401,F403  (explicit __all__ in models)
from .scale import *  # noqa: F401,F403  (explicit __all__ in scale)
from .widgets import *  # noqa: F401,F403  (explicit __all__ in widgets)
from .sharing import export_notebook

__version__ = "0.1.0"
__all__ = [*core.__all__, *datasets.__all__, *models.__all__, *scale.__all__, *widgets.__all__, "export_notebook"]


def load_ipython_extension(ip):
    """`%load_ext taylor_widgets`: results show as their widgets; adds %tw_export (sharing/extension.py)."""
    from .sharing.extension import load

    load(ip)


def unload_ipython_extension(ip):
    """`%unload_ext taylor_widgets`: plain display again."""
    from .sharing.extension import unload

    unload(ip)
