"""Fingerprints that tell whether a store was written by the same model and the same settings.

The model's fingerprint is a SHA-256 over its class name and every parameter and buffer (name,
dtype, shape, bytes); a plain callable is known only by its qualified name. Settings become
canonical JSON, with arrays (a baseline, background data) replaced by their digest, so two runs
with equal settings give equal attributes, byte for byte.
"""
from __future__ import annotations

import hashlib
import numbers

import numpy as np
import torch


def model_fingerprint(model) -> str:
    h = hashlib.sha256()
    cls = type(model)
    h.update(f"{cls.__module__}.{cls.__qualname__}".encode())
    if isinstance(model, torch.nn.Module):
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            h.update(f"{name}:{t.dtype}:{tuple(t.shape)}".encode())
            h.update(_bytes(t))
    elif hasattr(model, "__qualname__"):
        h.update(f"{getattr(model, '__module__', '')}.{model.__qualname__}".encode())
    return "sha256:" + h.hexdigest()


def array_digest(a) -> dict:
    """{"sha256", "shape", "dtype"} of a tensor or array."""
    if isinstance(a, torch.Tensor):
        shape, dtype, data = tuple(a.shape), str(a.dtype).replace("torch.", ""), _bytes(a)
    else:
        arr = np.ascontiguousarray(np.asarray(a))
        shape, dtype, data = arr.shape, str(arr.dtype), arr.tobytes()
    return {"sha256": hashlib.sha256(data).hexdigest(), "shape": list(shape), "dtype": dtype}


def canonical(value, name: str):
    """A JSON-safe, deterministic description of one setting; refuse what has none."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (torch.Tensor, np.ndarray)):
        return {"array": array_digest(value)}
    if hasattr(value, "to_numpy") and hasattr(value, "columns"):  # a DataFrame
        return {"array": array_digest(value.to_numpy()), "columns": [str(c) for c in value.columns]}
    if isinstance(value, (list, tuple)):
        return [canonical(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v, name) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, torch.nn.Module):
        return {"module": type(value).__qualname__}
    if callable(value) and hasattr(value, "__qualname__"):
        return {"callable": f"{getattr(value, '__module__', '')}.{value.__qualname__}"}
    raise TypeError(f"{name}: a {type(value).__name__} cannot be recorded in the store's settings; pass a number, "
                    "string, list, tensor, array or named function")


def _bytes(t: torch.Tensor) -> bytes:
    t = t.detach().to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()
