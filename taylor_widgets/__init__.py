"""taylor_widgets: Jupyter widgets that explain how the features of a torch model interact."""
from . import core, datasets, models, widgets
from .core import *  # noqa: F401,F403  (explicit __all__ in core)
from .datasets import *  # noqa: F401,F403  (explicit __all__ in datasets)
from .models import *  # noqa: F401,F403  (explicit __all__ in models)
from .widgets import *  # noqa: F401,F403  (explicit __all__ in widgets)

__version__ = "0.1.0"
__all__ = [*core.__all__, *datasets.__all__, *models.__all__, *widgets.__all__]
