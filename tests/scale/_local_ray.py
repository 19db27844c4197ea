"""Start a local Ray for the tests and benchmarks/dataset_scale.py on a small, busy machine.

Ray 2.60's raylet gives its dashboard agent 15 s to start, then aborts (ray-project/ray#65983).
Every Ray process imports jsonschema, which imports rfc3987_syntax when it is installed (Jupyter
pulls it in), and that import compiles ~35 Lark grammars: about 2 s of CPU per process
(python-jsonschema/jsonschema#1428). With half a dozen Ray processes starting at once on 2 cores
shared with other jobs, the agent misses its 15 s. So Ray's processes get a PYTHONPATH on which
rfc3987_syntax fails to import (jsonschema then skips the `iri` format, which nothing here
uses), and a start that still fails is retried.
"""
import os
import tempfile
from pathlib import Path

_STUB = 'raise ImportError("hidden from Ray\'s processes by tests/scale/_local_ray.py (2 s to import)")\n'


def start_local_ray(num_cpus: int = 2, paths=(), attempts: int = 3) -> None:
    """ray.init(num_cpus) without dashboard; `paths` join the PYTHONPATH of every Ray process."""
    import ray

    stub = Path(tempfile.mkdtemp(prefix="tw-ray-path-"))
    (stub / "rfc3987_syntax.py").write_text(_STUB)
    pythonpath = os.pathsep.join([str(stub), *map(str, paths)])
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, saved) if p)  # the processes ray.init starts
    try:
        for attempt in range(attempts):
            try:
                ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                         runtime_env={"env_vars": {"PYTHONPATH": pythonpath}})  # the workers raylet starts later
                return
            except Exception:
                ray.shutdown()
                if attempt == attempts - 1:
                    raise
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
