"""Officers and records systems: record a case, read it, post updates, upload batches."""
