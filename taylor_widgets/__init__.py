"""taylor_widgets: Jupyter widgets that explain how the features of a torch model interact."""
from . import core, datasets, scale, widgets
from .core import *  # noqa: F401,F403  (explicit __all__ in core)
from .datasets import *  # noqa: F401,F403  (explicit __all__ in datasets)
from .scale import *  # noqa: F401,F403  (explicit __all__ in scale)
from .widgets import *  # noqa: F401,F403  (explicit __all__ in widgets)

__version__ = "0.1.0"
__all__ = [*core.__all__, *datasets.__all__, *scale.__all__, *widgets.__all__]
