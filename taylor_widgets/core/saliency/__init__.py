"""Second-order saliency with group sparsity: CASO, CAFO and the Hessian rank diagnostic."""
from .results import RankDiagnostic, SaliencyResult
from .caso import cafo, caso, hessian_rank_diagnostic

__all__ = ["RankDiagnostic", "SaliencyResult", "cafo", "caso", "hessian_rank_diagnostic"]
