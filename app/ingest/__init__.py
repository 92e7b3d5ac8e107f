"""Articles in: a text, a saved web page, a file, an archive or a feed, read and attributed, then
stored with their quotes (``store``); ``files``, ``pages``, ``archive`` and ``feeds`` say where
articles come from."""
