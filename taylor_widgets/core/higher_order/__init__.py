"""Higher-order interactions: cross derivatives of any order (local and global) and NID."""
from .cross_derivatives import CrossDerivatives, GlobalInteractions, cross_derivatives, global_interactions
from .nid import NIDResult, nid

__all__ = ["CrossDerivatives", "GlobalInteractions", "NIDResult", "cross_derivatives", "global_interactions", "nid"]
