"""Load the anchors we compare against without their heavy package __init__s."""
from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path


def path_explainer_torch():
    """path_explain's PathExplainerTorch class, loaded from its file (its __init__ imports TensorFlow)."""
    site = Path(sysconfig.get_paths()["purelib"])
    path = site / "path_explain" / "explainers" / "path_explainer_torch.py"
    if not path.exists():
        raise ImportError("path-explain is not installed: pip install --no-deps path-explain==0.0.7")
    spec = importlib.util.spec_from_file_location("path_explainer_torch", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.PathExplainerTorch
