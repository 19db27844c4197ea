"""Start a local Ray for the tests and benchmarks/dataset_scale.py, retrying a failed start.

Ray 2.60's raylet gives its dashboard agent 15 s to start, then aborts (ray-project/ray#65983).
On a 2-core machine that other jobs keep busy, the agent's imports can take longer than that;
a second or third start usually finds a quieter moment.
"""


def start_local_ray(num_cpus: int = 2, attempts: int = 3, **kwargs) -> None:
    import ray

    for attempt in range(attempts):
        try:
            ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, **kwargs)
            return
        except Exception:
            ray.shutdown()
            if attempt == attempts - 1:
                raise
