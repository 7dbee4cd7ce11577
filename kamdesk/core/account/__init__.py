"""The dossier's data as the app uses it: ``editing`` (the one write path, every value
validated, each call its own transaction), ``queries`` (read queries shared by the CLI and
the GUI), ``analytics`` (a client's figures), ``portfolio`` (the figures across clients),
``confirmations`` (the ticks' fingerprints and seals)."""
