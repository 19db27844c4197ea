"""`python -m taylor_widgets explain`: a summary on success, and exit codes that say what failed."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import taylor_widgets as tw
from taylor_widgets.scale import cli

from _scale_models import HERE, data

NAMES = list("abcde")


@pytest.fixture
def parquet(tmp_path):
    path = tmp_path / "x.parquet"
    pd.DataFrame(data(60), columns=NAMES).to_parquet(path)
    return path


def explain(parquet, store, *extra, model="_scale_models:factory"):
    return cli.main(["explain", "--model", model, "--data", str(parquet), "--method", "integrated_hessians",
                     "--store", str(store), "--no-progress", *extra])


def test_python_m_runs_and_prints_a_summary(parquet, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    out = subprocess.run(
        [sys.executable, "-m", "taylor_widgets", "explain", "--model", "_scale_models:factory", "--data", str(parquet),
         "--method", "integrated_hessians", "--store", str(tmp_path / "s"), "--batch-size", "16", "--top", "3"],
        capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("integrated_hessians: 60 examples in ")
    assert lines[1].startswith("worst completeness error: ")
    ex = tw.open_explanations(tmp_path / "s")
    top = ex.top_pairs(3)
    assert lines[2:] == ["top global pairs (mean |value|):"] + [f"  {r.pair}: {r.value:.4g}" for r in top.itertuples()]
    assert "ex/s" in out.stderr  # the progress bar: rate and time left


def test_exit_codes(parquet, tmp_path, capsys):
    s = tmp_path / "s"
    assert explain(parquet, s, "--batch-size", "16") == cli.EXIT_OK
    assert explain(parquet, s) == cli.EXIT_STORE  # exists: needs --resume or --overwrite
    assert explain(parquet, s, "--resume") == cli.EXIT_OK
    assert explain(parquet, s, "--resume", "--set", "steps=32") == cli.EXIT_STORE  # other settings
    assert explain(parquet, s, "--overwrite", "--set", "steps=32", "--set", "rows=[0,2]") == cli.EXIT_OK
    assert tw.open_explanations(s).rows == [0, 2]
    assert explain(parquet, tmp_path / "a", model="_scale_models:nothing") == cli.EXIT_MODEL
    assert explain(parquet, tmp_path / "b", model="_scale_models:broken_factory") == cli.EXIT_MODEL
    assert explain(tmp_path / "missing.parquet", tmp_path / "c") == cli.EXIT_DATA
    bad = data(60)
    bad[50, 1] = np.inf
    pd.DataFrame(bad, columns=NAMES).to_parquet(tmp_path / "bad.parquet")
    assert explain(tmp_path / "bad.parquet", tmp_path / "d", "--batch-size", "16") == cli.EXIT_DATA
    assert explain(parquet, tmp_path / "e", "--set", "nonsense=1") == cli.EXIT_USAGE
    big = data(60)
    big[40, 0] = 1000.0
    np.save(tmp_path / "big.npy", big)
    code = explain(tmp_path / "big.npy", tmp_path / "f", "--batch-size", "16",
                   model="_scale_models:FailsOnLargeInputs")
    assert code == cli.EXIT_CHUNK
    assert tw.open_explanations(tmp_path / "f").done.sum() == 32
    err = capsys.readouterr().err
    assert "error: chunk 2 (rows 32..47) failed" in err and "error: data: rows 48..59 contain 1 NaN or Inf" in err
    (tmp_path / "file").write_text("")
    assert explain(parquet, tmp_path / "file" / "s") == cli.EXIT_STORE
    with pytest.raises(SystemExit) as e:
        cli.main(["explain", "--model", "m:f"])
    assert e.value.code == cli.EXIT_USAGE
