"""AnyWidget classes over one base (base.py): core results become validated, synced traits
(binary float32 buffers + small JSON). Payload builders live in payloads/, trait types in traits.py."""

__all__: list[str] = []

# --- interaction widgets, export (issue 3) ---
from .interaction_matrix import InteractionMatrix
from .explorer import Explorer
from .export import export_html

__all__ += ["InteractionMatrix", "Explorer", "export_html"]

# --- CAM viewer (issue 5) ---
from .cam_viewer import CAMViewer

__all__ += ["CAMViewer"]

# --- allocation view (issue 6) ---
from .allocation_view import AllocationView

__all__ += ["AllocationView"]

# --- dataset views of a batch (issue 12) ---
from .dataset_views import InteractionNetwork, InteractionSummary

__all__ += ["InteractionSummary", "InteractionNetwork"]

# --- dataset explorer over a store (issue 13) ---
from .dataset_explorer import DatasetExplorer

__all__ += ["DatasetExplorer"]

# --- text view of token interactions (issue 10) ---
from .text_interactions import TextInteractions

__all__ += ["TextInteractions"]
