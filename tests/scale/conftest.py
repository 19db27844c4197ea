"""Fixtures of the scale tests: tiny models and data (see _scale_models.py)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scale_models import classifier, data, mlp  # noqa: E402


@pytest.fixture
def model():
    return mlp()


@pytest.fixture
def X():
    return data()


@pytest.fixture
def clf():
    return classifier()
