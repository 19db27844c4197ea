"""Explain a whole dataset into a resumable Zarr store, locally or on Ray, and read it back lazily.

    explain.py      explain_dataset: checks, the first-row probe, the store, the engine
    sources.py      every kind of data as numbered chunks of rows (arrays, Parquet, torch, Ray)
    methods.py      each method as: explain a chunk into named arrays, rebuild its core result
    job.py          one run as a picklable job (what each Ray actor gets), ChunkError, progress
    engines.py      the local engine and the Ray Data engine
    store.py        the Zarr v3 layout, atomic chunk completion, per-chunk partial sums
    fingerprint.py  model and settings fingerprints that decide whether a store can be continued
    reader.py       open_explanations: one example, global matrices, top pairs, summary, to_result
    cli.py          `python -m taylor_widgets explain ...`

Depends on core, never on widgets. zarr, pyarrow, pandas and Ray are the optional extra
`taylor-widgets[scale]`, imported only when used.
"""
from .explain import explain_dataset
from .job import ChunkError
from .reader import Explanations, open_explanations
from .store import StoreError

__all__ = ["ChunkError", "Explanations", "StoreError", "explain_dataset", "open_explanations"]
