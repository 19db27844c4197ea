"""Demo data and the small models the tours train: procedural, seeded, no downloads.

Not part of the explainer core; nothing in `core/` imports it.
"""
from .images import sort_of_clevr, yield_or_go
from .image_models import RelationNet, YieldOrGoCNN, train_relation_net, train_yield_or_go
from .synthetic import tsang_function

__all__ = [
    "RelationNet", "YieldOrGoCNN", "sort_of_clevr", "train_relation_net", "train_yield_or_go", "tsang_function",
    "yield_or_go",
]
