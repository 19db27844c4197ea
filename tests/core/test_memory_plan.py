"""Working memory of Integrated Hessians is bounded: output + about one chunk budget (issue 14 §1.6)."""
import torch

import taylor_widgets as tw
from taylor_widgets.core import derivatives as dv
from taylor_widgets.core.paths import engine
from _models import smooth_mlp


def test_a_dense_d23000_matrix_is_planned_in_row_blocks_within_the_budget():
    # B = 1, d = 23000, float32: the output is 1.97 GiB, under max_bytes; one point's 23000 rows
    # alone would need ~8 GB of tangents, so rows go in blocks and one chunk stays in budget.
    d, itemsize = 23000, 4
    act = 2 * 128 * itemsize * 4  # a 2×128 MLP's saved activations, generously
    points, rows = dv.plan_chunks(16, d, d, itemsize, act)
    pair = itemsize * 4 * d + 2 * act
    assert rows < d and points == 1
    assert points * rows * pair <= dv.CHUNK_BYTES
    # small problems keep every row in one block, with many points per chunk (unchanged speed)
    points, rows = dv.plan_chunks(128, 100, 100, 4, 4096)
    assert rows == 100 and points == 128


def test_row_blocks_give_the_same_matrix(monkeypatch):
    model = smooth_mlp(12, seed=5)
    x = torch.randn(2, 12, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    whole = tw.integrated_hessians(model, x, steps=8)
    blocks = []
    real_block = engine.Directions.block

    def spy(self, r0, r1, dtype):
        blocks.append(r1 - r0)
        return real_block(self, r0, r1, dtype)

    monkeypatch.setattr(engine.Directions, "block", spy)
    monkeypatch.setattr(dv, "CHUNK_BYTES", 2000)  # a few rows per block
    split = tw.integrated_hessians(model, x, steps=8)
    assert len(blocks) > 1 and max(blocks) < 12
    torch.testing.assert_close(split.values, whole.values, rtol=1e-12, atol=1e-14)
    rows = tw.integrated_hessians(model, x, steps=8, rows=[3, 7])  # the completeness row rides along
    torch.testing.assert_close(rows.values, whole.values[:, [3, 7]], rtol=1e-12, atol=1e-14)
    torch.testing.assert_close(rows.completeness_error, whole.completeness_error, rtol=1e-9, atol=1e-13)


def test_the_activation_probe_counts_what_backward_keeps():
    model = torch.nn.Sequential(torch.nn.Linear(10, 50), torch.nn.Tanh(), torch.nn.Linear(50, 1)).double()
    f = lambda z, sel: model(z[None])[0, 0]  # noqa: E731
    got = dv.activation_bytes(f, torch.randn(10, dtype=torch.float64), torch.zeros(1))
    # the input (10), tanh's output (50) and the first linear's output where saved: ≥ 60 floats, no weights
    assert 60 * 8 <= got < (10 * 50 + 60) * 8
