"""The read side: filters, full-text search, cursors, and the lookups that turn names into ids."""
