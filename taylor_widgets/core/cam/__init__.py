"""Class activation maps: Grad-CAM and its second-order extension Taylor-CAM."""
from .methods import GradCAMResult, TaylorCAMResult, grad_cam, taylor_cam

__all__ = ["GradCAMResult", "TaylorCAMResult", "grad_cam", "taylor_cam"]
