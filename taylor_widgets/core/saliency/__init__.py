"""Second-order saliency with group sparsity: CASO, CAFO and the Hessian rank diagnostic."""
from .caso import RankDiagnostic, SaliencyResult, cafo, caso, hessian_rank_diagnostic

__all__ = ["RankDiagnostic", "SaliencyResult", "cafo", "caso", "hessian_rank_diagnostic"]
