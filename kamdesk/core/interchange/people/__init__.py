"""People from other tools' contact files (vCard, CSV): read, matched, imported.

Reading never writes. A file becomes a :class:`~.model.ContactFile` (:mod:`.files` reads either
kind; :mod:`.vcard`, :mod:`.csvfile` with :mod:`.presets` read one): candidates (people as the
file gives them) plus bad rows with their line numbers. :func:`.importer.plan_import` compares the
candidates with the client's people and says, per person, what would happen; only
:func:`.importer.apply_import` writes, in one transaction. The choices each step makes are in its
module's docstring.

Nothing here logs: contact files are personal data.
"""
