"""saidwho: a quote-attribution service."""
