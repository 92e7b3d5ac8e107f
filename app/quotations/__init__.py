"""Quotations: the reports of the same words by the same speaker, tied together, and the check
of a quote someone sent against what the store holds."""
