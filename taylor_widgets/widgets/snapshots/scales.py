"""The views' scale rules in numpy, for the pictures: js/src/lib/scales.js, rule for rule."""
from __future__ import annotations

import numpy as np

DIAGONAL_RATIO = 3.0
ROBUST_Q = 0.99


def diagonal_extents(m: np.ndarray) -> tuple[float, float]:
    """(max |m_ii|, max |m_ij| for i ≠ j) of a (d, d) matrix, non-finite values ignored."""
    a = np.abs(np.asarray(m, dtype=np.float64))
    a[~np.isfinite(a)] = 0.0
    diag = float(np.diagonal(a).max()) if a.size else 0.0
    off = a.copy()
    np.fill_diagonal(off, 0.0)
    return diag, float(off.max()) if off.size else 0.0


def diagonal_scale(m: np.ndarray, mode: str = "auto", user_vmax=None) -> dict:
    """The colour scale under a diagonal mode (scales.js `diagonalScale`): vmax, whether it came
    from the off-diagonal, whether the diagonal is hidden or drawn clipped, and the note."""
    diag, off = diagonal_extents(m)
    ratio = diag / off if off > 0 else (np.inf if diag > 0 else 1.0)
    hide = mode == "hide"
    from_off = off > 0 and (hide or (mode == "auto" and ratio > DIAGONAL_RATIO))
    user = user_vmax if isinstance(user_vmax, (int, float)) and np.isfinite(user_vmax) and user_vmax > 0 else None
    auto = off if from_off else max(diag, off)
    vmax = user if user is not None else (auto if auto > 0 else 1.0)
    out = {"vmax": float(vmax), "auto": user is None, "from_off_diagonal": user is None and from_off,
           "hide_diagonal": hide, "clip_diagonal": (not hide) and diag > vmax, "ratio": ratio, "diag": diag, "off": off}
    out["note"] = diagonal_note(out)
    return out


def fmt(v: float) -> str:
    """format.js `fmt` (3 significant digits, exponent only past 1e5 or under 1e-3, "−")."""
    if v is None or not np.isfinite(v):
        return "–" if v is None or np.isnan(v) else ("∞" if v > 0 else "−∞")
    if v == 0:
        return "0"
    a = abs(v)
    s = f"{v:.2e}" if a >= 1e5 or a < 1e-3 else f"{v:.3g}"
    if "e" in s:
        mant, exp = s.split("e")
        if "." in mant:
            mant = mant.rstrip("0").rstrip(".")
        s = f"{mant}e{'+' if int(exp) >= 0 else '-'}{abs(int(exp))}"
    return "−" + s[1:] if s.startswith("-") else s


def diagonal_note(s: dict, sym: str = "Γ") -> str:
    """What the diagonal mode did, in words (scales.js `diagonalNote`)."""
    if s["hide_diagonal"]:
        return f"diagonal hidden: main effects {sym}_ii not coloured (max |{sym}_ii| = {fmt(s['diag'])})"
    r = s["ratio"]
    times = "" if not np.isfinite(r) else (f"{round(r)}× " if r >= 10 else f"{r:.1f}× ")
    if s["from_off_diagonal"]:
        return (f"scale from the off-diagonal (max |{sym}_ij| = {fmt(s['off'])}); diagonal {times}larger "
                f"(max |{sym}_ii| = {fmt(s['diag'])}), drawn clipped ◆")
    if s["clip_diagonal"]:
        return f"diagonal beyond ±{fmt(s['vmax'])} drawn clipped ◆ (max |{sym}_ii| = {fmt(s['diag'])})"
    return ""


def quantile(values, q: float) -> float:
    """Linear-interpolation quantile of the finite values (numpy's default; 0 for none)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    return float(np.quantile(v, q)) if v.size else 0.0


def row_scales(extents: np.ndarray, mode: str = "row", robust: bool = False) -> np.ndarray:
    """(M,) scales of M rows of bars from their (M, n) extents (scales.js `rowScales`)."""
    ext = np.asarray(extents, dtype=np.float64)

    def stat(x):
        s = quantile(x, ROBUST_Q) if robust else float(np.max(x, initial=0.0))
        return s if s > 0 else 1.0

    if mode == "shared":
        return np.full(ext.shape[0], stat(ext))
    return np.array([stat(row) for row in ext])


def nice_ticks(lo: float, hi: float, count: int = 5) -> np.ndarray:
    """Ticks at multiples of 1, 2, 2.5 or 5 × 10^k inside [lo, hi] (format.js `niceTicks`)."""
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo == hi:
        return np.array([lo])
    lo, hi = min(lo, hi), max(lo, hi)
    raw = (hi - lo) / max(1, count)
    mag = 10 ** np.floor(np.log10(raw))
    step = next((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), 10 * mag)
    k0, k1 = int(np.ceil(lo / step - 1e-9)), int(np.floor(hi / step + 1e-9))
    return np.round(np.arange(k0, k1 + 1) * step, 12) + 0.0


def tick_text(v: float) -> str:
    """format.js `fmtTick`: plain for readable magnitudes, compact otherwise."""
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return fmt(float(v))
    s = f"{float(f'{v:.6g}'):g}"
    return "−" + s[1:] if s.startswith("-") else s
