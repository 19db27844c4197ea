"""Widget fixtures: tiny seeded models and data, built in code."""
import pytest
import torch

from tests.conftest import smooth_mlp

# Two shared cores: torch's intra-op thread pool spins against other processes and makes these
# tiny models 50x slower; one thread is fastest at this size.
torch.set_num_threads(1)


@pytest.fixture
def tab():
    """(model, x (2, 5), data (40, 5), names) for Explorer tests."""
    torch.manual_seed(3)
    model = smooth_mlp(5, hidden=8, seed=2)
    x = torch.randn(2, 5, dtype=torch.float64)
    data = torch.randn(40, 5, dtype=torch.float64) * 2 + 1
    return model, x, data, [f"f{i}" for i in range(5)]
