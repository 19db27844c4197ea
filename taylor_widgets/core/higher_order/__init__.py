"""Higher-order interactions: cross derivatives of any order (local and global) and NID."""
from .results import CrossDerivatives, GlobalInteractions, NIDResult
from .cross_derivatives import cross_derivatives, global_interactions
from .nid import nid

__all__ = ["CrossDerivatives", "GlobalInteractions", "NIDResult", "cross_derivatives", "global_interactions", "nid"]
