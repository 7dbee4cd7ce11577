"""Personal-data rights for one stakeholder (a real person): see everything kept about them, or
erase them.

Export (the right of access):

- ``collect(session, person_id)`` reads what the dossier holds about the person, as plain data:
  their profile, relationship plan, relations (with the other people's names), the meetings they
  were invited to or present at, the issues they raised, the action items whose owner names them,
  and every other free text of their client that names them;
- ``to_json(export)`` is the machine-readable copy; ``render_html(export, settings)`` and
  ``build_pdf(html)`` the readable one (the brief's fonts and locked-down fetcher; user text is
  escaped data, never markup or a template). ``export_file`` picks by the file's extension.

Erasure (the right to be forgotten): ``preview`` says what would go; ``erase`` removes the person
with their relations, attendances and presences, map position and relationship plan; unlinks
the issues they raised; replaces their name in action-item owners with ``ERASED``; rewrites the
client's search index; records when and why in ``erasure_log`` (never who); then leaves no copy
in the file: the transaction runs with ``secure_delete`` on, the full-text index is merged, the
file is VACUUMed and the WAL checkpointed and truncated. Free text that still names the person
(notes, decisions, objectives…) is *not* rewritten: it is listed for the KAM to edit. Backups
made before the erasure still hold the person until they rotate out; ``erase`` says which.
Erasure cannot be undone.

Names in free text are found on folded text, like the search box (``search.fold``: "sokolov"
finds "Соколов", "szczesna" finds "Szczęsna"), word by word, on word beginnings, with the last
letters of longer name parts dropped so declined forms match ("Szczęsnej", "Wróbla"). Titles
("dr", "prof.", "Dott.ssa"…) and parts under three letters are ignored. A match is *certain*
when the text has the person's key (their surname in most dossiers), two parts of their name,
or their only name part; a single part (a first name, say) is only *possible*. Only certain
matches rewrite an owner field; both kinds are listed, so the KAM decides.

Nothing here logs: these are personal fields.
"""

from kamdesk.core.privacy.erasure import (
    BackupCheck,
    ErasurePreview,
    ErasureResult,
    check_backups,
    check_reason,
    default_backups,
    erase,
    erasure_log,
    preview,
)
from kamdesk.core.privacy.export import (
    PersonExport,
    as_document,
    build_pdf,
    collect,
    export_file,
    render_html,
    to_json,
)
from kamdesk.core.privacy.mentions import (
    ERASED,
    EXPORT_SUFFIXES,
    Mention,
    NameMatcher,
    find_mentions,
    person_id,
)

__all__ = [
    "ERASED",
    "EXPORT_SUFFIXES",
    "BackupCheck",
    "ErasurePreview",
    "ErasureResult",
    "Mention",
    "NameMatcher",
    "PersonExport",
    "as_document",
    "build_pdf",
    "check_backups",
    "check_reason",
    "collect",
    "default_backups",
    "erase",
    "erasure_log",
    "export_file",
    "find_mentions",
    "person_id",
    "preview",
    "render_html",
    "to_json",
]
