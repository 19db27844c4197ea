"""Grad-CAM and Taylor-CAM against closed forms, manual autograd, a full-Hessian reference, and
the hook-hygiene and input-error contracts."""
import itertools
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from taylor_widgets.core.cam.methods import grad_cam, taylor_cam

K, H, W = 2, 2, 3  # a 2-channel 2×3 activation: N = 6 cells, D = 12


class Poly(nn.Module):
    """y = ½ aᵀQa + (1/6) T[a, a, a] + bᵀa on a = flatten(feat(x)): Hessian Q + T·a, third derivative T."""

    def __init__(self, cubic=False):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        D = K * H * W
        Q = torch.randn(D, D, generator=g, dtype=torch.double)
        self.register_buffer("Q", Q + Q.T)
        T = torch.randn(D, D, D, generator=g, dtype=torch.double) if cubic else torch.zeros(D, D, D, dtype=torch.double)
        T = sum(T.permute(*p) for p in itertools.permutations(range(3))) / 6  # symmetric
        self.register_buffer("T", T)
        self.register_buffer("b", torch.randn(D, generator=g, dtype=torch.double))
        self.feat = nn.Identity()

    def forward(self, x):
        a = self.feat(x).flatten(1)
        quad = 0.5 * torch.einsum("bp,pq,bq->b", a, self.Q, a)
        cub = torch.einsum("pqr,bp,bq,br->b", self.T, a, a, a) / 6
        return quad + cub + a @ self.b


def smooth_cnn(relu=False, classes=3):
    torch.manual_seed(0)
    act = nn.ReLU if relu else (lambda: nn.Softplus(beta=5.0))
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), act(), nn.Conv2d(4, 5, 3, stride=2, padding=1), act(), nn.Flatten(),
        nn.Linear(5 * 4 * 4, 8), act(), nn.Linear(8, classes),
    ).double()


def images(B=2, size=8, seed=1):
    return torch.randn(B, 3, size, size, generator=torch.Generator().manual_seed(seed), dtype=torch.double)


def hooks(model):
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) for m in model.modules())


def idx(k, i):  # flat index of channel k, cell i in a (K, H, W) activation
    return k * H * W + i


def test_pair_scores_match_the_closed_form_of_a_quadratic():
    model, x = Poly(), torch.randn(2, K, H, W, dtype=torch.double)
    res = taylor_cam(model, x, "feat", top_k=4)
    N = H * W
    for b in range(2):
        A = x[b].reshape(K, N)
        S = torch.zeros(N, N, dtype=torch.double)
        for i, j in itertools.product(range(N), range(N)):
            S[i, j] = sum(A[k, i] * model.Q[idx(k, i), idx(m, j)] for k in range(K) for m in range(K))
        TC = S**2 + S.T**2
        TC.fill_diagonal_(0)
        torch.testing.assert_close(res.directed[b], S)
        torch.testing.assert_close(res.pair_scores[b], TC)
        i, j, s = res.top_pairs[b][0]
        assert s == pytest.approx(float(TC.max())) and TC[i, j] == TC.max() and i < j


def test_activation_shift_gives_the_second_order_taylor_cross_term():
    model, x = Poly(), torch.randn(1, K, H, W, dtype=torch.double)
    res = taylor_cam(model, x, "feat", shift="activation")
    N = H * W
    A = x[0].reshape(K, N)
    S = torch.zeros(N, N, dtype=torch.double)
    for i, j in itertools.product(range(N), range(N)):
        S[i, j] = sum(A[k, i] * model.Q[idx(k, i), idx(m, j)] * A[m, j] for k in range(K) for m in range(K))
    torch.testing.assert_close(res.directed[0], S)
    assert res.shift == "activation"
    with pytest.raises(ValueError, match="shift"):
        taylor_cam(model, x, "feat", shift="both")


def test_three_way_scores_match_the_closed_form_of_a_cubic():
    model, x = Poly(cubic=True), torch.randn(1, K, H, W, dtype=torch.double)
    triples = [(0, 1, 2), (5, 3, 1)]
    res = taylor_cam(model, x, "feat", order=3, cells=triples)
    A, N, T = x[0].reshape(K, N := H * W), H * W, model.T

    def s(i, j, l):
        return sum(A[k, i] * T[idx(k, i), idx(m, j), idx(n, l)] for k in range(K) for m in range(K) for n in range(K))

    want = torch.tensor([s(i, j, l) ** 2 + s(j, i, l) ** 2 + s(l, i, j) ** 2 for i, j, l in triples], dtype=torch.double)
    torch.testing.assert_close(res.triple_scores[0], want)
    assert res.triples[0].tolist() == [list(t) for t in triples]


def test_default_triples_extend_the_top_pairs():
    model, x = Poly(cubic=True), torch.randn(1, K, H, W, dtype=torch.double)
    res = taylor_cam(model, x, "feat", order=3, top_k=3)
    assert res.triples.shape == (1, 3, 3) and res.triple_scores.shape == (1, 3)
    for (i, j, _), (ti, tj, tl) in zip(res.top_pairs[0], res.triples[0].tolist()):
        assert (ti, tj) == (i, j) and tl not in (i, j)


def test_pair_scores_match_the_full_hessian_reference_and_do_not_depend_on_chunking():
    model, x = smooth_cnn(), images()
    res = taylor_cam(model, x, "2", target=1, chunk_size=3)
    again = taylor_cam(model, x, "2", target=1)
    torch.testing.assert_close(res.pair_scores, again.pair_scores)
    A = model[:3](x).detach()
    for b in range(2):
        Hs = torch.autograd.functional.hessian(lambda a: model[3:](a[None])[0, 1], A[b]).reshape(5, 16, 5, 16)
        S = torch.einsum("ki,kilj->ij", A[b].reshape(5, 16), Hs)
        TC = S**2 + S.T**2
        TC.fill_diagonal_(0)
        torch.testing.assert_close(res.pair_scores[b], TC)
        assert TC.abs().max() > 0


def test_grad_cam_matches_a_manual_computation():
    model, x = smooth_cnn(), images()
    res = grad_cam(model, x, model[2], target=torch.tensor([0, 2]))
    A = model[:3](x).detach().requires_grad_()
    y = model[3:](A)[[0, 1], [0, 2]]
    (G,) = torch.autograd.grad(y.sum(), A)
    alpha = G.mean((2, 3))
    cam = torch.relu((alpha[:, :, None, None] * A).sum(1)).detach()
    torch.testing.assert_close(res.cam, cam)
    torch.testing.assert_close(res.weights, alpha)
    torch.testing.assert_close(res.upsampled, F.interpolate(cam[:, None], size=(8, 8), mode="bilinear")[:, 0])
    assert res.layer == "2" and res.target.tolist() == [0, 2] and res.activation_shape == (2, 5, 4, 4)
    torch.testing.assert_close(res.output, y.detach())
    tc = taylor_cam(model, x, "2", target=torch.tensor([0, 2]))
    torch.testing.assert_close(tc.grad_cam.cam, cam)


def test_result_shapes_partner_maps_and_upsampling():
    model, x = smooth_cnn(), images(B=3)
    res = taylor_cam(model, x, "2", target=0, top_k=5)
    assert res.pair_scores.shape == (3, 16, 16) and res.grid == (4, 4) and res.image_size == (8, 8)
    assert res.strength.shape == (3, 4, 4) and res.strength_upsampled.shape == (3, 8, 8)
    assert res.partner_cells.shape == (3, 5) and res.partner_maps.shape == (3, 5, 4, 4)
    assert torch.equal(res.pair_scores, res.pair_scores.transpose(1, 2))
    assert (res.pair_scores.diagonal(dim1=1, dim2=2) == 0).all()
    for b in range(3):
        scores = [s for _, _, s in res.top_pairs[b]]
        assert scores == sorted(scores, reverse=True) and len(scores) == 5
        i, j, _ = res.top_pairs[b][0]
        assert res.partner_cells[b, :2].tolist() == [i, j]
        torch.testing.assert_close(res.partner_maps[b, 0].reshape(-1), res.pair_scores[b, i])
    torch.testing.assert_close(res.strength.reshape(3, -1), res.pair_scores.sum(-1))
    torch.testing.assert_close(res.strength_upsampled, F.interpolate(res.strength[:, None], size=(8, 8), mode="bilinear")[:, 0])
    chosen = taylor_cam(model, x, "2", target=0, cells=[3, -1])
    assert chosen.partner_cells.tolist() == [[3, 15]] * 3
    boxes = res.cell_boxes()
    assert boxes.shape == (16, 4) and boxes[5].tolist() == [2.0, 2.0, 4.0, 4.0]


class TokenNet(nn.Module):
    """The smooth CNN with its layer-2 map re-read as tokens (B, 1 + 16, 5) behind a CLS token."""

    def __init__(self, cnn):
        super().__init__()
        self.cnn, self.tokens = cnn, nn.Identity()
        self.cls = nn.Parameter(torch.ones(1, 1, 5, dtype=torch.double))

    def forward(self, x):
        a = self.cnn[:3](x)
        t = self.tokens(torch.cat([self.cls.expand(len(x), -1, -1), a.flatten(2).transpose(1, 2)], 1))
        grid = t[:, 1:].transpose(1, 2).reshape(a.shape)
        return self.cnn[3:](grid) + 0.1 * t[:, :1, :1].sum(-1)  # the CLS token enters linearly


def test_token_grid_gives_the_same_scores_as_the_conv_layout():
    cnn, x = smooth_cnn(), images()
    model = TokenNet(cnn)
    tok = taylor_cam(model, x, "tokens", target=2, grid=(4, 4), cls_token=True)
    conv = taylor_cam(cnn, x, "2", target=2)
    torch.testing.assert_close(tok.pair_scores, conv.pair_scores)
    torch.testing.assert_close(tok.grad_cam.cam, conv.grad_cam.cam)
    torch.testing.assert_close(grad_cam(model, x, "tokens", target=2, grid=(4, 4), cls_token=True).cam, conv.grad_cam.cam)
    with pytest.raises(ValueError, match="grid=\\(h, w\\)"):
        taylor_cam(model, x, "tokens", target=2)
    with pytest.raises(ValueError, match="17 tokens"):
        taylor_cam(model, x, "tokens", target=2, grid=(4, 4))
    assert hooks(model) == 0


class FailsOnSecondCall(nn.Module):
    def __init__(self):
        super().__init__()
        self.net, self.calls = smooth_cnn(), 0

    def forward(self, x):
        self.calls += 1
        if self.calls == 2:  # the first call normalises the target, before any hook exists
            raise RuntimeError("forced failure")
        return self.net(x)


@pytest.mark.parametrize("method", [grad_cam, taylor_cam])
def test_no_hooks_remain_after_success_or_error(method):
    model, x = smooth_cnn(), images()
    for _ in range(3):
        method(model, x, "2", target=1)
    assert hooks(model) == 0
    failing = FailsOnSecondCall()
    with pytest.raises(RuntimeError, match="forced failure"):
        method(failing, x, "net.2", target=1)
    assert failing.calls == 2 and hooks(failing) == 0
    with pytest.raises(ValueError, match="target: the callable"):
        method(model, x, "2", target=lambda out: out)  # fails inside the hooked pass
    assert hooks(model) == 0


def test_an_error_inside_the_derivative_pass_leaves_no_hook():
    model, x = smooth_cnn(), images()
    with pytest.raises(ValueError, match="triples"):
        taylor_cam(model, x, "2", target=1, order=3, cells=[(1, 1, 2)])
    assert hooks(model) == 0


def test_bad_inputs_raise_clear_errors():
    model, x = smooth_cnn(), images()
    with pytest.raises(ValueError, match=r"no submodule named 'conv'.*available"):
        grad_cam(model, x, "conv", target=0)
    with pytest.raises(ValueError, match=r"close matches: \['cnn.2'"):
        taylor_cam(TokenNet(model), x, "cnn.22", target=0)
    with pytest.raises(ValueError, match="not spatial"):
        taylor_cam(model, x, "5", target=0)
    with pytest.raises(ValueError, match="target: the model has 3 outputs"):
        taylor_cam(model, x, "2")
    with pytest.raises(ValueError, match="not a submodule"):
        grad_cam(model, x, nn.Conv2d(3, 3, 1), target=0)
    with pytest.raises(TypeError, match="layer"):
        grad_cam(model, x, 2, target=0)
    with pytest.raises(ValueError, match=r"x: expected images \(B, C, H, W\)"):
        grad_cam(model, x[0], "2", target=0)
    with pytest.raises(ValueError, match="NaN"):
        grad_cam(model, x * float("nan"), "2", target=0)
    with pytest.raises(ValueError, match="order"):
        taylor_cam(model, x, "2", target=0, order=4)
    with pytest.raises(ValueError, match="cells"):
        taylor_cam(model, x, "2", target=0, cells=[99])
    with pytest.raises(ValueError, match="grid"):
        grad_cam(model, x, "2", target=0, grid=(2, 8))
    with pytest.raises(TypeError, match="nn.Module"):
        grad_cam(lambda t: t.sum((1, 2, 3)), x, "2")
    assert hooks(model) == 0


def test_a_layer_that_runs_twice_is_refused():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 3, padding=1).double()

        def forward(self, x):
            return self.conv(self.conv(x)).sum((1, 2, 3))

    model = Twice()
    with pytest.raises(ValueError, match="ran 2 times"):
        grad_cam(model, images(), "conv")
    assert hooks(model) == 0


def test_relu_models_warn_and_point_to_smoothing():
    with pytest.warns(RuntimeWarning, match="smooth_relu"):
        taylor_cam(smooth_cnn(relu=True)[:5].append(nn.Linear(80, 2).double()), images(), "2", target=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        taylor_cam(smooth_cnn(), images(), "2", target=0)


def test_reprs_are_deterministic():
    model, x = smooth_cnn(), images()
    res = taylor_cam(model, x, "2", target=0, top_k=3)
    assert repr(res) == "TaylorCAMResult(layer='2', order=2, grid=(4, 4), pair_scores=(2, 16, 16), top_pairs=3 per image)"
    assert repr(res.grad_cam) == ("GradCAMResult(layer='2', cam=(2, 4, 4), upsampled=(2, 8, 8), "
                                  "activations=(2, 5, 4, 4))")
