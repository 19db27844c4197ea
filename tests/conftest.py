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


@pytest.fixture(scope="session")
def store_100k(tmp_path_factory):
    """A store of 100,000 examples (d = 5, Integrated Hessians), written once per session."""
    from _stores import write_store

    return write_store(tmp_path_factory.mktemp("stores") / "ih_100k", 100_000)
