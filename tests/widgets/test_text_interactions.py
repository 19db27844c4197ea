"""TextInteractions: a token result of IH / EH → traits; tokens, padding, state, refusals, picture."""
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import taylor_widgets as tw  # noqa: E402
from taylor_widgets.widgets.snapshots import colors  # noqa: E402
from taylor_widgets.widgets.snapshots.text import PX  # noqa: E402

torch.set_num_threads(1)
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def token_result():
    """IH of an untrained tiny transformer from token ids: 2 sentences of T = 5, the second padded to 3."""
    model = tw.tiny_text_transformer(vocab=12, max_len=8, seed=0, dim=16, layers=1, heads=2, hidden=16).double()
    ids = torch.tensor([[3, 4, 5, 6, 7], [8, 9, 10, 0, 0]])
    mask = ids == 0
    return tw.integrated_hessians(model, ids, target=1, baseline=0, embedding=model.embedding,
                                  forward_kwargs={"padding_mask": mask})


TOKENS = [[HOSTILE, "is", "not", "very", "good"], ["never", "so", "bad"]]


def test_traits_from_a_token_result(token_result):
    w = tw.TextInteractions(token_result, TOKENS, title="t")
    assert w.interactions.shape == (2, 5, 5) and w.interactions.dtype == np.float32
    np.testing.assert_allclose(w.interactions, token_result.values.numpy(), rtol=1e-6, atol=1e-7)
    # φ_i = Σ_j Γ_ij (the view colours by it), the core's attributions
    np.testing.assert_allclose(w.attributions, token_result.attributions.numpy(), rtol=1e-5, atol=1e-6)
    assert w.tokens == TOKENS and w.tokens[0][0] == HOSTILE  # kept verbatim: the view renders text
    assert (w.sentence, w.selected, w.top_k, w.scheme) == (0, -1, 3, "RdBu")
    assert w.value_label == "Γ, Integrated Hessians"
    assert repr(w) == "TextInteractions(sentences=2, T=5)"


def test_default_tokens_are_positions_or_names_and_one_flat_list_for_one_sentence(token_result):
    w = tw.TextInteractions(token_result)
    assert w.tokens == [["t0", "t1", "t2", "t3", "t4"]] * 2
    G = token_result.values[0].numpy()
    one = tw.TextInteractions(G, ["a", "b", "c", "d", "e"])
    assert one.tokens == [["a", "b", "c", "d", "e"]] and one.interactions.shape == (1, 5, 5)


def test_top_pairs_are_the_strongest_off_diagonal_pairs_of_the_sentence_shown(token_result):
    w = tw.TextInteractions(token_result, TOKENS, top_k=2)
    G = w.interactions[0].astype(np.float64)
    S = (G + G.T) / 2
    iu = np.triu_indices(5, 1)
    order = np.argsort(-np.abs(S[iu]))[:2]
    assert [(i, j) for i, j, _ in w.top_pairs()] == [(int(iu[0][k]), int(iu[1][k])) for k in order]
    # the padded sentence: only its 3 tokens take part
    assert all(j < 3 for _, j, _ in w.top_pairs(sentence=1, k=10)) and len(w.top_pairs(sentence=1, k=10)) == 3


def test_selection_follows_the_sentence_length_and_resets_with_the_sentence(token_result):
    w = tw.TextInteractions(token_result, TOKENS, selected=4)
    assert w.selected == 4
    w.sentence = 1
    assert w.selected == -1
    with pytest.raises(ValueError, match="^selected: expected an int < 3"):
        w.selected = 3  # padding is not a token
    before = (w.sentence, w.selected)
    with pytest.raises(ValueError, match="^selected"):
        w.set_state({"sentence": 0, "selected": 7})  # all or nothing
    assert (w.sentence, w.selected) == before
    w.set_state({"sentence": 0, "selected": 4})
    assert (w.sentence, w.selected) == (0, 4)


@pytest.mark.parametrize("bad, match", [
    ("abc", "^tokens: expected a list"),
    ([["a"] * 5], "^tokens: expected 2 token lists"),
    ([["a"] * 6, ["b"]], r"^tokens\[0\]: expected 1 to 5 tokens"),
    ([["a"] * 5, []], r"^tokens\[1\]: expected 1 to 5 tokens"),
    ([["a"] * 5, [1, 2]], r"^tokens\[1\]: expected strings"),
    (["a", "b", "c", "d", "e"], "^tokens: expected 2 token lists"),
])
def test_bad_tokens_are_refused(token_result, bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        tw.TextInteractions(token_result, bad)


def test_results_without_token_interactions_are_refused(token_result):
    model = tw.tiny_text_transformer(vocab=12, max_len=8, seed=0, dim=16, layers=1, heads=2, hidden=16).double()
    ids = torch.tensor([[3, 4, 5]])
    ig = tw.integrated_gradients(model, ids, target=1, embedding=model.embedding)
    with pytest.raises(ValueError, match="^result: .*attributions only"):
        tw.TextInteractions(ig, [["a", "b", "c"]])
    with pytest.raises(ValueError, match="^result: expected per-token interactions"):
        tw.TextInteractions(np.ones((2, 3, 4)), None)
    with pytest.raises(ValueError, match="^result: contains 1 NaN"):
        tw.TextInteractions(np.array([[np.nan, 0], [0, 0]]), ["a", "b"])
    with pytest.raises(TypeError, match="^result: expected a PathResult"):
        tw.TextInteractions("not a result", ["a"])
    with pytest.raises(TypeError, match="^title"):
        tw.TextInteractions(token_result, TOKENS, title=3)


def _pixel(arr, box):
    """The colour 3 px inside the top-left corner of a token box (clear of its text)."""
    x, y, w, h = box
    return tuple(int(v) for v in arr[int((y + 3 * PX) * 100), int((x + 3 * PX) * 100)])


def test_picture_colours_tokens_as_the_view_by_attribution_then_by_the_selected_row(token_result):
    w = tw.TextInteractions(token_result, TOKENS, top_k=0)
    fig = w._snapshot_figure()
    boxes = fig.tw_boxes["tokens"]
    plt.close(fig)
    img = np.asarray(Image.open(io.BytesIO(w.snapshot_png())).convert("RGB"))
    phi = w.attributions[0].astype(np.float64)
    want = colors.diverging_rgb(phi, float(np.abs(phi).max()))
    for i, box in enumerate(boxes):
        assert np.abs(np.subtract(_pixel(img, box), want[i], dtype=float)).max() <= 2, i
    w.selected = 2
    img = np.asarray(Image.open(io.BytesIO(w.snapshot_png())).convert("RGB"))
    row = w.interactions[0, 2].astype(np.float64)
    vmax = float(np.abs(np.delete(row, 2)).max())
    want = colors.diverging_rgb(row, vmax)
    for i, box in enumerate(boxes):
        if i != 2:
            assert np.abs(np.subtract(_pixel(img, box), want[i], dtype=float)).max() <= 2, i
    # the selected token itself is neutral: its Γ_ii is not on the scale
    assert _pixel(img, boxes[2]) == colors.HIDDEN_RGB


def test_extension_shows_a_token_result_as_the_text_view(token_result):
    from taylor_widgets.sharing.extension import widget_for

    w = widget_for(token_result)
    assert isinstance(w, tw.TextInteractions) and w.tokens[0] == ["t0", "t1", "t2", "t3", "t4"]
    # a result over plain features stays a matrix
    flat = tw.integrated_hessians(lambda x: (x[:, 0] * x[:, 1])[:, None], torch.ones(1, 3, dtype=torch.float64))
    assert isinstance(widget_for(flat), tw.InteractionMatrix)
