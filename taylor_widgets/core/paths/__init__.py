"""Path methods: Integrated / Expected Gradients and Integrated / Expected Hessians."""
from .results import PathResult
from .gradients import expected_gradients, integrated_gradients
from .hessians import expected_hessians, integrated_hessians

__all__ = ["PathResult", "expected_gradients", "expected_hessians", "integrated_gradients", "integrated_hessians"]
