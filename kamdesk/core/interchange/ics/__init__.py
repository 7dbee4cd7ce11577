"""Importing meetings from calendar files (.ics) that Outlook, Exchange, Google Calendar,
Thunderbird and others write.

Three steps; nothing is written before the last one:

1. :func:`.reader.read_calendar` / :func:`.reader.parse_calendar` turn the file into a
   :class:`.model.CalendarFile`: candidate meetings plus the events that are skipped or
   broken, each with its line number. The bytes are decoded (:mod:`.decode`) and common
   breakage is repaired (:mod:`.repair`) *before* the text reaches the ``icalendar`` library;
   times are resolved (:mod:`.zones`), a series gives one meeting (:mod:`.series`), the place,
   link and people come from the event (:mod:`.place`). A file that cannot be read at all
   (too large, empty, not a calendar, not text) raises :class:`.model.CalendarFileError`
   with a clear reason.
2. :func:`.planning.plan_calendar_import` matches the candidates against one client's dossier:
   create, update, unchanged, skip or problem, with the attendees matched to the client's
   people. :func:`.planning.describe` turns a plan into preview lines for the command line or the
   GUI.
3. :func:`.apply.apply_calendar_import` writes a plan in one transaction (all or nothing),
   after checking that the dossier did not change since the preview.

The choices each step makes are in its module's docstring.
"""
