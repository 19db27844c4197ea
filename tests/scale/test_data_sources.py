"""Every kind of data gives the same store: tensors, numpy, DataFrames, Parquet files and
directories, torch Datasets and DataLoaders yielding x or (x, y)."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

import taylor_widgets as tw
from taylor_widgets.scale.sources import as_source

NAMES = list("abcde")


@pytest.fixture
def reference(model, X, tmp_path):
    ex = tw.explain_dataset(model, torch.from_numpy(X), "integrated_gradients", tmp_path / "ref", batch_size=32,
                            progress=False)
    return ex.array("values")[:]


class Rows(IterableDataset):
    def __init__(self, X):
        self.X = X

    def __iter__(self):
        for row in self.X:
            yield torch.from_numpy(row), torch.zeros(())


def _parquet_dir(X, path, sizes):
    """X split over files of `sizes` rows, each with row groups of 11 rows (chunks straddle both)."""
    path.mkdir()
    start = 0
    for i, n in enumerate(sizes):
        df = pd.DataFrame(X[start : start + n], columns=NAMES).assign(label=np.arange(n))
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path / f"part-{i:02d}.parquet", row_group_size=11)
        start += n
    return path


@pytest.mark.parametrize("kind", ["numpy", "dataframe", "parquet_file", "parquet_dir", "dataset_xy", "loader_xy",
                                  "loader_x", "iterable", "memmap"])
def test_every_source_gives_the_same_values(model, X, tmp_path, reference, kind):
    kw = {}
    if kind == "numpy":
        data = X
    elif kind == "dataframe":
        data, kw = pd.DataFrame(X, columns=NAMES).assign(label=1), {"columns": NAMES}
    elif kind == "parquet_file":
        pd.DataFrame(X, columns=NAMES).to_parquet(tmp_path / "x.parquet")
        data = str(tmp_path / "x.parquet")
    elif kind == "parquet_dir":
        data, kw = _parquet_dir(X, tmp_path / "pq", [70, 3, 77]), {"columns": NAMES}
    elif kind == "dataset_xy":
        data = TensorDataset(torch.from_numpy(X), torch.arange(len(X)))
    elif kind == "loader_xy":
        data = DataLoader(TensorDataset(torch.from_numpy(X), torch.arange(len(X))), batch_size=7)
    elif kind == "loader_x":
        data = DataLoader(torch.from_numpy(X), batch_size=50)
    elif kind == "iterable":
        data = Rows(X)
    else:
        np.save(tmp_path / "x.npy", X)
        data = np.load(tmp_path / "x.npy", mmap_mode="r")
    ex = tw.explain_dataset(model, data, "integrated_gradients", tmp_path / "s", batch_size=32, progress=False, **kw)
    np.testing.assert_array_equal(ex.array("inputs")[:], X)
    np.testing.assert_array_equal(ex.array("values")[:], reference)
    if kind in ("dataframe", "parquet_file", "parquet_dir"):
        assert ex.feature_names == NAMES


def test_parquet_random_access_reads_any_rows(X, tmp_path):
    src = as_source(_parquet_dir(X, tmp_path / "pq", [70, 3, 77]), NAMES)
    assert src.n == 150 and src.feature_shape == (5,)
    for a, b in [(0, 150), (65, 80), (72, 73), (140, 150), (10, 11)]:
        np.testing.assert_array_equal(src.read(a, b), X[a:b])


def test_a_shuffling_loader_is_refused(X):
    with pytest.raises(ValueError, match="^data: .*shuffle"):
        as_source(DataLoader(torch.from_numpy(X), batch_size=8, shuffle=True))


def test_non_numeric_columns_need_columns(X, tmp_path):
    df = pd.DataFrame(X, columns=NAMES).assign(city="x")
    with pytest.raises(TypeError, match=r"^data: column\(s\) \['city'\] are not numeric"):
        as_source(df)
    assert as_source(df, NAMES).columns == NAMES
    df.to_parquet(tmp_path / "x.parquet")
    assert as_source(tmp_path / "x.parquet").columns == NAMES  # Parquet: numeric columns by default
    with pytest.raises(TypeError, match=r"^columns: \['city'\] are not numeric"):
        as_source(tmp_path / "x.parquet", ["a", "city"])
    with pytest.raises(ValueError, match=r"^columns: \['zz'\] not among"):
        as_source(tmp_path / "x.parquet", ["zz"])


def test_integer_tensors_are_refused_as_token_ids():
    with pytest.raises(TypeError, match="^data: .*token ids"):
        as_source(torch.arange(10).reshape(5, 2))
