"""MLP-M (tw.MainEffectMLP) and its trainer: shapes, additivity, what NID reads, the recipe."""
import pytest
import torch
from torch import nn

import taylor_widgets as tw


def _model(activation="softplus", d=5):
    torch.manual_seed(0)
    return tw.MainEffectMLP(d, hidden=(16, 8), main_hidden=(6, 4), activation=activation).double()


def test_shapes_and_parts_add_up():
    m = _model()
    x = torch.randn(7, 5, dtype=torch.float64)
    out = m(x)
    assert out.shape == (7, 1)
    assert torch.allclose(out, m.interaction(x) + m.main_effects(x))
    assert m.main_effects.per_feature(x).shape == (7, 5)
    assert [w.shape for w in m.interaction_weights()] == [(16, 5), (8, 16), (1, 8)]


def test_main_effects_equal_d_separate_univariate_networks():
    """The batched einsum is exactly d independent 1→6→4→1 MLPs, one per column."""
    m = _model()
    me = m.main_effects
    x = torch.randn(9, 5, dtype=torch.float64)
    for i in range(5):
        z = x[:, i : i + 1]
        for k, W in enumerate(me.weights):
            z = z @ W[i]
            if k < len(me.weights) - 1:
                z = nn.functional.softplus(z + me.biases[k][i])
        assert torch.allclose(me.per_feature(x)[:, i], z[:, 0])


def test_each_main_effect_depends_on_its_own_feature_only():
    m = _model()
    x = torch.randn(4, 5, dtype=torch.float64)
    y = x.clone()
    y[:, 2] += 1.0
    diff = m.main_effects.per_feature(y) - m.main_effects.per_feature(x)
    assert diff[:, 2].abs().min() > 0
    assert torch.equal(diff[:, [0, 1, 3, 4]], torch.zeros(4, 4, dtype=torch.float64))


def test_main_effect_part_has_zero_cross_derivatives():
    m = _model()
    x = torch.randn(3, 5, dtype=torch.float64)
    with pytest.warns(RuntimeWarning, match="identically zero"):  # the cross terms are exactly 0
        me = tw.cross_derivatives(m.main_effects, x)
    assert me.values.abs().max() == 0.0  # off-diagonal Hessian of a sum of univariate terms
    full, inter = tw.cross_derivatives(m, x), tw.cross_derivatives(m.interaction, x)
    assert torch.allclose(full.values, inter.values, rtol=1e-12, atol=1e-14)
    # ... but the main effects do have curvature of their own
    h = torch.func.hessian(lambda v: m.main_effects(v[None])[0, 0])(x[0])
    assert h.diagonal().abs().min() > 0


def test_nid_reads_the_interaction_mlp():
    m = _model("relu")
    r = tw.nid(m.interaction, order=2)
    assert r.sets[2].shape == (10, 2)
    with pytest.raises(TypeError, match="model"):
        tw.nid(m)  # the whole MLP-M is not an MLP: NID is defined on the interaction part


def test_smooth_relu_swaps_the_main_effect_activations():
    m = _model("relu")
    s = tw.smooth_relu(m, beta=10.0)
    assert tw.core.smoothing.count_relus(s) == 0
    assert isinstance(s.main_effects.act, nn.Softplus) and isinstance(m.main_effects.act, nn.ReLU)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_features=0), "n_features"),
    (dict(n_features=3, hidden=()), "hidden"),
    (dict(n_features=3, main_hidden=(4, 0)), "main_hidden"),
    (dict(n_features=3, activation="sigmoidish"), "activation"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=f"^{match}"):
        tw.MainEffectMLP(**kwargs)


def _data(n, seed):
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, 3, generator=g) * 2 - 1
    return X, X[:, 0] * X[:, 1] + torch.sin(2 * X[:, 2])


def test_training_recipe_fits_and_restores_the_best_epoch():
    torch.manual_seed(0)
    m = tw.MainEffectMLP(3, hidden=(32, 16), main_hidden=(8,))
    Xtr, ytr = _data(600, 0)
    Xva, yva = _data(200, 1)
    with torch.no_grad():
        before = float(((m(Xva)[:, 0] - yva) ** 2).mean())
    m, log = tw.train_main_effect_mlp(m, Xtr, ytr, Xva, yva, epochs=40, patience=3)
    with torch.no_grad():
        after = float(((m(Xva)[:, 0] - yva) ** 2).mean())
    assert after < 0.2 * before
    assert after == pytest.approx(log.best_val_mse, rel=1e-6)  # the best state is the one returned
    assert log.best_val_mse == min(log.val_history)
    assert log.epochs_run == len(log.val_history)
    if log.epochs_run < 40:  # stopped early: more than `patience` epochs without improvement
        assert log.epochs_run - 1 - log.best_epoch == 4
    assert not m.training


def test_l1_penalises_only_the_interaction_weights():
    """With a huge L1 the interaction MLP is driven to ~0 while the main effects still fit."""
    torch.manual_seed(0)
    # Two hidden layers of 16: with one layer of 8 ReLUs, x0's network died (constant) on seeds 0
    # and 2 once the L1 emptied the interaction MLP, leaving var(x0²) ≈ 0.087 unexplained.
    m = tw.MainEffectMLP(2, hidden=(16,), main_hidden=(16, 16))
    g = torch.Generator().manual_seed(0)
    X = torch.rand(400, 2, generator=g) * 2 - 1
    y = X[:, 0] ** 2 + X[:, 1]  # additive: the main effects alone can fit it
    m, log = tw.train_main_effect_mlp(m, X, y, X, y, l1=1.0, lr=1e-2, epochs=60, patience=60)
    w_inter = sum(w.abs().sum() for w in m.interaction_weights())
    w_main = sum(w.abs().sum() for w in m.main_effects.weights)
    assert w_inter < 0.05 * w_main
    assert log.best_val_mse < 0.01  # var(y) ≈ 0.42; only the main effects can have fitted it


@pytest.mark.parametrize("kwargs, match", [
    (dict(X_train=torch.zeros(5, 3), y_train=torch.zeros(4)), "X_train"),
    (dict(X_val=torch.zeros(5, 2)), "X_val"),
    (dict(X_val=torch.full((5, 3), float("nan"))), "X_val"),
    (dict(patience=-1), "patience"),
    (dict(lr=-1.0), "lr"),
    (dict(epochs=0), "epochs"),
])
def test_trainer_rejects_bad_input(kwargs, match):
    base = dict(X_train=torch.zeros(5, 3), y_train=torch.zeros(5), X_val=torch.zeros(5, 3), y_val=torch.zeros(5))
    base.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=f"^{match}"):
        tw.train_main_effect_mlp(tw.MainEffectMLP(3, hidden=(4,), main_hidden=(2,)), **base)
