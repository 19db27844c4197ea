"""Taylor interactions: exact Harsanyi dividends, Taylor effects, and the audit of fourteen attribution methods."""
from .results import AuditResult, HarsanyiResult, MethodAudit, TaylorEffects, verdict_table
from .harsanyi import harsanyi, patch_groups, taylor_effects
from .audit import attribution_audit, even_share_audit

__all__ = [
    "AuditResult", "HarsanyiResult", "MethodAudit", "TaylorEffects", "attribution_audit", "even_share_audit", "harsanyi",
    "patch_groups", "taylor_effects", "verdict_table",
]
