"""Files from and for other tools: people from vCard and CSV, meetings from iCalendar (.ics),
spreadsheets out (CSV).

Layered, bottom up (import-linter contracts in pyproject.toml):

- :mod:`.charsets`, :mod:`.legacy` and :mod:`.textfile`: the one reader of a user's text
  file (size cap, BOMs, UTF-16, a guessed legacy encoding), each format's policy a parameter;
- :mod:`.cells`: the spreadsheet-formula quote our CSV export adds and our CSV reader takes off;
- :mod:`.people` (vCard, CSV, the people import) and :mod:`.ics` (the calendar import), which
  do not import each other: in each, the readers turn bytes into candidates and never touch
  the database; only the plan and apply modules read or write a dossier;
- :mod:`.csv_export`: people and follow-ups as CSV for spreadsheets.
"""
