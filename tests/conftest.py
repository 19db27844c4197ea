"""Shared fixtures: tiny seeded models (defined in _models.py, importable by test modules)."""
import pytest

from _models import Product, TinyConv, smooth_mlp


@pytest.fixture
def mlp():
    return smooth_mlp(6)


@pytest.fixture
def conv():
    return TinyConv().double()


@pytest.fixture
def product():
    return Product()
