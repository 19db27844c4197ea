"""The one array serializer: float32, C order, {dtype, shape, view}, byteOffset-safe decoding."""
import numpy as np
import pytest
import torch
import traitlets

from taylor_widgets.widgets.serialize import array_from_json, array_to_json, as_float32
from taylor_widgets.widgets.traits import Float32Array


def roundtrip(value):
    wire = array_to_json(value)
    # the front end sends back what it got: the same dict with a memoryview over the bytes
    return wire, array_from_json({**wire, "view": memoryview(bytes(wire["view"]))})


def test_wire_format_is_float32_c_order_bytes():
    a = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
    wire = array_to_json(a)
    assert wire["dtype"] == "float32" and wire["shape"] == [2, 3]
    assert isinstance(wire["view"], memoryview)
    assert bytes(wire["view"]) == a.astype("<f4").tobytes(order="C")


def test_matrices_carry_the_max_abs_finite_value_of_each_slice():
    m = np.array([[[1.0, -3.0], [np.nan, 2.0]], [[np.inf, -0.5], [0.25, 0.0]]])
    msg = array_to_json(m)
    assert msg["absmax"] == [3.0, 0.5]  # NaN and ±inf do not count
    assert array_to_json(m[1])["absmax"] == [0.5]
    assert "absmax" not in array_to_json(np.arange(3.0))  # 1-d: none
    assert "absmax" not in array_to_json(np.zeros((1, 2, 2, 3)))  # images: none
    assert "absmax" not in array_to_json(None)
    back = array_from_json(msg)  # the extra key does not disturb decoding
    np.testing.assert_array_equal(back, as_float32(m))


def _sequential_pair_stats(m):
    """mean |Γ_ij| and mean Γ_ij summed sample by sample in float64: dataset.js's order."""
    acc = np.zeros((2, *m.shape[1:]))
    for b in range(m.shape[0]):
        acc[0] += np.abs(m[b].astype(np.float64))
        acc[1] += m[b].astype(np.float64)
    return acc / m.shape[0]


def test_a_batch_matrix_carries_its_pair_statistics_in_float64():
    m = np.random.default_rng(0).normal(size=(7, 4, 4)).astype(np.float32)
    wire = array_to_json(m, pair_stats=True)
    stats = np.frombuffer(bytes(wire["pairstats"]), dtype="<f8").reshape(2, 4, 4)
    np.testing.assert_array_equal(stats, _sequential_pair_stats(m))  # to the bit
    np.testing.assert_allclose(stats[0], np.abs(m).mean(0), rtol=1e-6)
    np.testing.assert_allclose(stats[1], m.mean(0), rtol=1e-5, atol=1e-7)
    assert "pairstats" not in array_to_json(m)  # only the traits that ask for it
    assert "pairstats" not in array_to_json(m[:1], pair_stats=True)  # one sample: no dataset views
    assert "pairstats" not in array_to_json(np.zeros((3, 2, 5)), pair_stats=True)  # not square


def test_the_matrix_trait_sends_pair_statistics_for_a_batch_only():
    import taylor_widgets as tw

    m = np.random.default_rng(1).normal(size=(5, 3, 3)).astype(np.float32)
    state = tw.InteractionMatrix(m).get_state()
    assert bytes(state["matrix"]["pairstats"]) == _sequential_pair_stats(m).astype("<f8").tobytes()
    assert "pairstats" not in tw.InteractionMatrix(m[0]).get_state()["matrix"]
    assert "pairstats" not in state["global_matrix"]


def test_roundtrip_is_byte_exact():
    a = np.random.default_rng(0).normal(size=(3, 4, 4)).astype(np.float32)
    a[0, 0, 0], a[1, 1, 1] = np.float32(1e-38), np.float32(-3.4e38)
    _, back = roundtrip(a)
    assert back.dtype == np.float32 and back.shape == a.shape
    assert back.tobytes() == a.tobytes()


def test_non_contiguous_and_fortran_inputs_are_sent_in_c_order():
    base = np.arange(48, dtype=np.float32).reshape(6, 8)
    for a in (base[::2, 1::3], base.T, np.asfortranarray(base)):
        wire, back = roundtrip(a)
        assert bytes(wire["view"]) == np.ascontiguousarray(a).tobytes()
        np.testing.assert_array_equal(back, a)
        assert back.flags.c_contiguous


def test_torch_tensor_and_double_are_converted():
    t = torch.linspace(-1, 1, 10, dtype=torch.float64).reshape(2, 5)
    wire, back = roundtrip(t)
    assert wire["shape"] == [2, 5]
    np.testing.assert_array_equal(back, t.numpy().astype(np.float32))


def test_empty_is_shape_zero_and_no_bytes():
    for value in (None, [], np.zeros((0, 3))):
        assert array_to_json(value) == {"dtype": "float32", "shape": [0], "view": b""}
    assert array_from_json({"dtype": "float32", "shape": [0], "view": b""}).shape == (0,)


def test_decoder_honours_a_view_into_a_larger_buffer():
    payload = np.arange(10, dtype=np.float32)
    big = b"\x00" * 4 + payload.tobytes() + b"\xff" * 8
    view = memoryview(big)[4 : 4 + 40]
    np.testing.assert_array_equal(array_from_json({"dtype": "float32", "shape": [2, 5], "view": view}), payload.reshape(2, 5))


def test_decoder_rejects_bad_payloads():
    with pytest.raises(ValueError, match="shape"):
        array_from_json({"dtype": "float32", "shape": [3], "view": b"\x00" * 8})
    with pytest.raises(TypeError, match="float32"):
        array_from_json({"dtype": "float64", "shape": [1], "view": b"\x00" * 8})
    with pytest.raises(ValueError, match="whole number"):
        array_from_json({"dtype": "float32", "shape": [1], "view": b"\x00" * 5})


def test_stored_array_does_not_alias_the_callers_array():
    a = np.ones(4, dtype=np.float32)
    stored = as_float32(a)
    a[0] = 5
    assert stored[0] == 1 and not stored.flags.writeable


class Holder(traitlets.HasTraits):
    arr = Float32Array(ndim=2)


def test_trait_notifies_only_on_real_change_and_checks_rank():
    h, seen = Holder(), []
    h.observe(lambda c: seen.append(c["new"].shape), "arr")
    h.arr = np.ones((2, 2))
    h.arr = np.ones((2, 2), dtype=np.float64)  # same values: silent
    h.arr = np.zeros((2, 2))
    assert seen == [(2, 2), (2, 2)]
    with pytest.raises(traitlets.TraitError, match="2-d"):
        h.arr = np.ones(3)
    with pytest.raises(TypeError, match="numbers"):
        h.arr = np.array([["a", "b"]])
