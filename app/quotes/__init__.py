"""Quotes: every write of a quote row. ``store`` makes them (from an article's reading, by
hand, in batches); ``corrections`` edits and deletes them, with history. Two columns are
another package's to write: which quotation a quote belongs to (``app.quotations``) and, when
two speakers are merged or one is split, which speaker said it (``app.speakers.store``)."""
