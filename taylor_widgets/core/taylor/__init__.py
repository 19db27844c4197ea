"""Taylor interactions: exact Harsanyi dividends, Taylor effects, and the audit of fourteen attribution methods."""
from .harsanyi import HarsanyiResult, TaylorEffects, harsanyi, patch_groups, taylor_effects
from .audit import AuditResult, MethodAudit, attribution_audit, verdict_table

__all__ = [
    "AuditResult", "HarsanyiResult", "MethodAudit", "TaylorEffects", "attribution_audit", "harsanyi",
    "patch_groups", "taylor_effects", "verdict_table",
]
