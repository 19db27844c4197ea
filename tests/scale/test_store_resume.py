"""A run killed with SIGKILL at any moment resumes to the uninterrupted run's store, bit for bit,
recomputing only the chunks that had not finished; no half-written chunk is ever marked done."""
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import taylor_widgets as tw
from taylor_widgets.scale.job import Job

from _scale_models import HERE, data, mlp, store_bytes

CHUNK, N = 8, 80  # 10 chunks; IH writes 9 per-example arrays + 3 partial sums + the count per chunk
WRITES_PER_CHUNK = 13

CHILD = r"""
import os, signal, sys, time
sys.path.insert(0, {here!r})
import zarr
import taylor_widgets as tw
import taylor_widgets.scale.store as st
from _scale_models import data, mlp

mode, arg, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "write":  # SIGKILL just before the arg-th Zarr array write of the run
    calls, setitem = [0], zarr.Array.__setitem__
    def counted(self, key, value):
        calls[0] += 1
        if calls[0] == arg:
            os.kill(os.getpid(), signal.SIGKILL)
        return setitem(self, key, value)
    zarr.Array.__setitem__ = counted
else:  # slowed down and killed by the parent at a random moment
    write = st.Store.write_chunk
    def slow(self, k, arrays):
        time.sleep(0.04)
        write(self, k, arrays)
        print(k, flush=True)
    st.Store.write_chunk = slow
    print("start", flush=True)
tw.explain_dataset(mlp(), data({n}), "integrated_hessians", path, batch_size={chunk}, progress=False)
"""


def child(mode: str, arg: int, path) -> subprocess.Popen:
    code = CHILD.format(here=str(HERE), n=N, chunk=CHUNK)
    return subprocess.Popen([sys.executable, "-c", code, mode, str(arg), str(path)], stdout=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "s"
    tw.explain_dataset(mlp(), data(N), "integrated_hessians", path, batch_size=CHUNK, progress=False)
    return store_bytes(path)


def resume_and_check(path, reference, monkeypatch):
    done_before = set(np.flatnonzero(tw.open_explanations(path)._st.done()).tolist())
    computed, compute = [], Job.compute
    monkeypatch.setattr(Job, "compute", lambda self, model, k, rows: computed.append(k) or compute(self, model, k, rows))
    ex = tw.explain_dataset(mlp(), data(N), "integrated_hessians", path, batch_size=CHUNK, progress=False)
    assert ex.complete
    assert sorted(computed[1:]) == sorted(set(range(10)) - done_before)  # computed[0] is the one-row probe
    assert store_bytes(path) == reference
    return done_before


@pytest.mark.parametrize("write, done", [
    (2 * WRITES_PER_CHUNK + 5, {0, 1}),   # between chunk 2's arrays (partial sums: the same)
    (3 * WRITES_PER_CHUNK, {0, 1}),       # all of chunk 2 written except its done marker
])
def test_sigkill_between_any_two_writes(tmp_path, reference, monkeypatch, write, done):
    path = tmp_path / "s"
    proc = child("write", write, path)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert resume_and_check(path, reference, monkeypatch) == done


def test_sigkill_at_a_random_moment(tmp_path, reference, monkeypatch):
    rng = random.Random(13)
    path = tmp_path / "s"
    proc = child("sleep", 0, path)
    assert proc.stdout.readline().strip() == "start"
    assert proc.stdout.readline().strip() == "0"  # one chunk finished
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    done = resume_and_check(path, reference, monkeypatch)
    assert 0 in done and len(done) < 10
