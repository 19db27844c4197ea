"""Class activation maps: Grad-CAM and its second-order extension Taylor-CAM."""
from .results import GradCAMResult, TaylorCAMResult
from .methods import grad_cam, taylor_cam

__all__ = ["GradCAMResult", "TaylorCAMResult", "grad_cam", "taylor_cam"]
