"""The command line for batch jobs: `python -m taylor_widgets explain ...`.

Exit codes (also in `--help`): 0 done; 1 an unexpected error; 2 bad command-line arguments or
method keywords; 3 the model could not be imported, built or run; 4 bad data; 5 the store
cannot be used (unwritable, or holds other explanations); 6 the model failed on a chunk (the
finished chunks are kept: run again with --resume); 130 interrupted (Ctrl-C; --resume continues).
"""
from __future__ import annotations

import argparse
import ast
import importlib
import sys
import time
from pathlib import Path

import numpy as np

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_MODEL, EXIT_DATA, EXIT_STORE, EXIT_CHUNK, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 5, 6, 130
EXIT_CODES = """exit codes:
  0    done
  1    unexpected error
  2    bad arguments or method keywords
  3    the model could not be imported, built or run
  4    bad data (missing, NaN/Inf, wrong width, empty)
  5    the store cannot be used (unwritable, or it holds other explanations: --overwrite)
  6    the model failed on a chunk; finished chunks are kept (fix it, then --resume)
  130  interrupted; --resume continues"""


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    from .job import ChunkError
    from .store import StoreError

    try:
        factory = _load_factory(args.model)
        kwargs = _method_kwargs(args.set)
        if args.background is not None:
            kwargs["background"] = _load_data(args.background, "background")
        return _explain(args, factory, kwargs)
    except KeyboardInterrupt:
        print("interrupted; run again with --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ChunkError as e:
        return _fail(e, EXIT_CHUNK)
    except StoreError as e:
        return _fail(e, EXIT_STORE)
    except _ModelError as e:
        return _fail(e.__cause__ or e, EXIT_MODEL, str(e))
    except (ValueError, TypeError) as e:
        msg = str(e)
        code = EXIT_DATA if msg.startswith(("data:", "columns:", "background:")) else (
            EXIT_MODEL if msg.startswith("model:") else EXIT_USAGE)
        return _fail(e, code)
    except Exception as e:  # noqa: BLE001  (reported, with its type, as exit code 1)
        return _fail(e, EXIT_ERROR, f"unexpected {type(e).__name__}: {e}")


class _ModelError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    from .methods import METHODS

    p = argparse.ArgumentParser(prog="python -m taylor_widgets", description="taylor_widgets batch jobs")
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser(
        "explain", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES,
        help="explain every row of a dataset into a resumable Zarr store",
        description="Explain every row of DATA with METHOD into the store directory OUT (see tw.explain_dataset).")
    ex.add_argument("--model", required=True, metavar="PKG.MODULE:FACTORY",
                    help="a zero-argument callable that returns the model (importable on every Ray node)")
    ex.add_argument("--data", required=True, help="a Parquet file, a directory of Parquet files, or a .npy array")
    ex.add_argument("--method", required=True, choices=sorted(METHODS))
    ex.add_argument("--store", required=True, metavar="OUT", help="the store directory")
    ex.add_argument("--engine", choices=("local", "ray"), default="local")
    ex.add_argument("--batch-size", type=int, metavar="N", help="examples per chunk (default: chosen from the sizes)")
    ex.add_argument("--workers", type=int, metavar="N", help="Ray actors (default: one per GPU, else per CPU)")
    ex.add_argument("--resume", action="store_true", help="continue an existing store (only unfinished chunks run)")
    ex.add_argument("--overwrite", action="store_true", help="replace an existing store")
    ex.add_argument("--seed", type=int, default=0, help="seed of the expected methods' draws (per example)")
    ex.add_argument("--columns", nargs="+", metavar="NAME", help="feature columns of Parquet data (default: all numeric)")
    ex.add_argument("--background", metavar="DATA", help="background data of the expected methods (Parquet or .npy)")
    ex.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a method keyword as a Python literal, e.g. --set rows=[0,3] --set target=1 --set layer=features")
    ex.add_argument("--top", type=int, default=5, metavar="K", help="global pairs in the summary (default 5)")
    ex.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def _explain(args, factory, kwargs) -> int:
    from .explain import explain_dataset

    t0 = time.perf_counter()
    data = _load_data(args.data, "data")
    local = args.engine == "local"
    model = _build(factory) if local else None
    ex = explain_dataset(
        model, data, args.method, args.store, engine=args.engine, batch_size=args.batch_size,
        resume=args.resume, overwrite=args.overwrite, seed=args.seed, progress=not args.no_progress,
        model_factory=None if local else factory, workers=args.workers, columns=args.columns, **kwargs)
    _print_summary(ex, time.perf_counter() - t0, args.top)
    return EXIT_OK


def _print_summary(ex, seconds: float, top: int) -> None:
    n = len(ex)
    print(f"{ex.method}: {n} examples in {seconds:.1f} s ({n / max(seconds, 1e-9):.0f} examples/s), store {ex.path}")
    if "completeness_error" in ex.arrays:
        err = np.abs(ex.array("completeness_error")[:])
        i = int(np.nanargmax(err)) if np.isfinite(err).any() else 0
        print(f"worst completeness error: {err[i]:.3g} (example {i})")
    if ex.structure != "map" and top > 0:
        print("top global pairs (mean |value|):")
        for r in ex.top_pairs(top).itertuples():
            print(f"  {r.pair}: {r.value:.4g}")


def _load_factory(spec: str):
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"model: expected PKG.MODULE:FACTORY, got {spec!r}")
    sys.path.insert(0, str(Path.cwd()))  # like `python -m`, a module in the working directory is found
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise _ModelError(f"model: cannot import {spec!r}: {e}") from e
    if not callable(obj):
        raise _ModelError(f"model: {spec!r} is a {type(obj).__name__}, not a callable that builds the model")
    return obj


def _build(factory):
    try:
        return factory()
    except Exception as e:
        raise _ModelError(f"model: the factory raised {type(e).__name__}: {e}") from e


def _load_data(path: str, name: str):
    p = Path(path)
    if p.suffix == ".npy" and p.is_file():
        return np.load(p, mmap_mode="r")  # memory-mapped: read chunk by chunk
    if not p.exists():
        raise ValueError(f"{name}: no such file or directory: {path!r}")
    return p


def _method_kwargs(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.isidentifier():
            raise ValueError(f"set: expected KEY=VALUE, got {item!r}")
        try:
            out[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            out[key] = raw  # a bare word, e.g. layer=features
    return out


def _fail(e: BaseException, code: int, message: str | None = None) -> int:
    print(f"error: {message or e}", file=sys.stderr)
    return code
