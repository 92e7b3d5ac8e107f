"""The pages journalists use: search at ``/``, a permalink per quote, a page per speaker and
per outlet. Server-rendered with Jinja2 from the same query layer as the API; no build step,
every asset served by saidwho itself, and everything works without JavaScript."""
