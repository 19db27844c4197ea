"""AnyWidget classes: core results become synced traits (binary float32 buffers + small JSON)."""

__all__: list[str] = []

# --- interaction widgets, export (issue 3) ---

# --- CAM viewer (issue 5) ---

# --- allocation view (issue 6) ---
