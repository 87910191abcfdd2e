"""The shared workflow engine: errors, action declarations and the runner, for any model with a
state and a version (suggestions first; key items, ledger items, wishes and publications next)."""
