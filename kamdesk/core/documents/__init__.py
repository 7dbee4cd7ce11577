"""The documents kamdesk renders: the engine (``reports``: Jinja with autoescape, Babel,
WeasyPrint behind a fetcher that reaches only packaged resources), charts and the
relationship map as SVG, the brief, the client dossier and the portfolio report."""
