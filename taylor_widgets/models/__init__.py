"""Trainable model helpers that explanation methods need (not core: nothing in `core/` imports them).

`MainEffectMLP` is NID's "MLP-M" (an interaction MLP plus univariate main-effect networks), and
`train_main_effect_mlp` fits it with the paper's recipe.
"""
from .main_effects import MainEffectMLP, MainEffects
from .training import TrainingLog, train_main_effect_mlp

__all__ = ["MainEffectMLP", "MainEffects", "TrainingLog", "train_main_effect_mlp"]
