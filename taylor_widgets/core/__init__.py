"""The torch explainer core: pure functions of (model, inputs, baseline, options) → results.

Nothing here imports widgets, traitlets or anywidget.
"""
from .quadrature import Rule, gauss_legendre, log_weight_gauss, uniform_grid, uniform_product_grid
from .results import PathResult
from .smoothing import smooth_relu
from .path_attributions import expected_gradients, integrated_gradients
from .path_interactions import expected_hessians, integrated_hessians

__all__ = [
    "PathResult",
    "Rule",
    "expected_gradients",
    "expected_hessians",
    "gauss_legendre",
    "integrated_gradients",
    "integrated_hessians",
    "log_weight_gauss",
    "smooth_relu",
    "uniform_grid",
    "uniform_product_grid",
]

# --- cross derivatives, global interactions, NID (issue 4) ---
from .cross_derivatives import cross_derivatives, global_interactions
from .nid import nid

__all__ += ["cross_derivatives", "global_interactions", "nid"]

# --- Grad-CAM / Taylor-CAM (issue 5) ---
from .cam import GradCAMResult, TaylorCAMResult, grad_cam, taylor_cam
from .datasets_images import sort_of_clevr, yield_or_go
from .image_models import RelationNet, YieldOrGoCNN, train_relation_net, train_yield_or_go

__all__ += [
    "GradCAMResult", "RelationNet", "TaylorCAMResult", "YieldOrGoCNN", "grad_cam", "sort_of_clevr",
    "taylor_cam", "train_relation_net", "train_yield_or_go", "yield_or_go",
]

# --- second-order saliency, Taylor interactions, audit (issue 6) ---
from .saliency import RankDiagnostic, SaliencyResult, cafo, caso, hessian_rank_diagnostic
from .harsanyi import HarsanyiResult, TaylorEffects, harsanyi, patch_groups, taylor_effects
from .audit import AuditResult, MethodAudit, attribution_audit, verdict_table

__all__ += [
    "AuditResult", "HarsanyiResult", "MethodAudit", "RankDiagnostic", "SaliencyResult", "TaylorEffects",
    "attribution_audit", "cafo", "caso", "harsanyi", "hessian_rank_diagnostic", "patch_groups", "taylor_effects",
    "verdict_table",
]
