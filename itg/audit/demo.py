"""The demo's audit trail: sign a checkpoint over what the demo seeding recorded, so that
`manage.py audit_verify` has a checkpoint to hold the chain to from the start."""

from __future__ import annotations

from itg.audit.checkpoints import ChainBroken, checkpoint_write


def seed_audit() -> str:
    """Call after the seeding transaction has committed: a checkpoint must sign committed events only."""
    try:
        name, doc = checkpoint_write()
    except ChainBroken as error:
        return f"Audit checkpoint not written: {error} (run manage.py audit_verify)."
    return f"Audit checkpoint at event {doc['seq']}: {name}"
