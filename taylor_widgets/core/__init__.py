"""The torch explainer core: pure functions of (model, inputs, baseline, options) → results.

Nothing here imports widgets, traitlets or anywidget. One folder per method family, over the
shared boundary (`inputs.prepare`, with `arrays`, `models`, `targets`, `options` and `draws`),
derivative layer (`derivatives`), quadrature rules (`quadrature`) and result base (`results`):

    paths/         Integrated / Expected Gradients and Hessians
    higher_order/  cross derivatives (local, global, any order) and NID
    cam/           Grad-CAM and Taylor-CAM
    taylor/        Harsanyi dividends, Taylor effects, the fourteen attribution methods, the audit
    saliency/      CASO / CAFO and the Hessian rank diagnostic
"""
from .quadrature import Rule, gauss_legendre, log_weight_gauss, uniform_grid, uniform_product_grid
from .results import Result
from .smoothing import smooth_relu
from .paths import PathResult, expected_gradients, expected_hessians, integrated_gradients, integrated_hessians
from .higher_order import CrossDerivatives, GlobalInteractions, NIDResult, cross_derivatives, global_interactions, nid
from .cam import GradCAMResult, TaylorCAMResult, grad_cam, taylor_cam
from .taylor import (
    AuditResult, HarsanyiResult, MethodAudit, TaylorEffects, attribution_audit, harsanyi, patch_groups,
    taylor_effects, verdict_table,
)
from .saliency import RankDiagnostic, SaliencyResult, cafo, caso, hessian_rank_diagnostic

__all__ = [
    # the base of every result type
    "Result",
    # quadrature and smoothing
    "Rule", "gauss_legendre", "log_weight_gauss", "uniform_grid", "uniform_product_grid", "smooth_relu",
    # path methods
    "PathResult", "expected_gradients", "expected_hessians", "integrated_gradients", "integrated_hessians",
    # higher-order interactions
    "CrossDerivatives", "GlobalInteractions", "NIDResult", "cross_derivatives", "global_interactions", "nid",
    # CAM
    "GradCAMResult", "TaylorCAMResult", "grad_cam", "taylor_cam",
    # Taylor interactions and the audit
    "AuditResult", "HarsanyiResult", "MethodAudit", "TaylorEffects", "attribution_audit", "harsanyi",
    "patch_groups", "taylor_effects", "verdict_table",
    # second-order saliency
    "RankDiagnostic", "SaliencyResult", "cafo", "caso", "hessian_rank_diagnostic",
]
