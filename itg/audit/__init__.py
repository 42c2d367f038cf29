"""The tamper-evident audit trail: `record()` appends a hash-chained event inside the caller's transaction."""
