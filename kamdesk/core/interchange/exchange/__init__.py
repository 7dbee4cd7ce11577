"""The portfolio exchange format (PORTFOLIO_FORMAT.md): import and export.

Import happens in three stages, and nothing is written unless all three pass:

1. *reading*: the bytes must be UTF-8 JSON (a BOM is tolerated), not empty, with no key
   repeated inside one object;
2. *structure*: the pydantic models of :mod:`exchange_schema` (closed enums, no unknown fields,
   strict types, ranges);
3. *references*: keys unique where the contract says so, and every reference resolving to an
   object in the file or already in the database.

Every problem found is reported with its JSON path. Then the document is merged into the
database in one transaction: objects with keys (products, clients, stakeholders, needs,
meetings) and financial periods/targets (by period) are updated in place when they exist;
plain lists given in the file (plans, competitors, issues, relations, key reasons, FAQs,
relationship plans, proposals, agenda, notes…) replace the stored list. Fields absent from the
file are left as they are. Nothing is ever deleted because it is missing from the file.

The package's modules: ``reading`` (bytes, structure, references), ``importing`` (the merge,
over ``meetings``, the meetings' merge, and ``writing``, its batched statements), ``columns``
(format fields onto table columns), ``exporting`` (the document out). Its public
API is named here, so callers write ``exchange.import_text(...)`` whatever module holds it.
"""

from kamdesk.core.interchange.exchange.exporting import (
    dumps,
    export_document,
    export_file,
    iter_export_text,
)
from kamdesk.core.interchange.exchange.importing import ImportSummary, import_file, import_text
from kamdesk.core.interchange.exchange.reading import (
    MAX_FILE_BYTES,
    check_references,
    decode,
    format_path,
    parse,
    read_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "ImportSummary",
    "check_references",
    "decode",
    "dumps",
    "export_document",
    "export_file",
    "format_path",
    "import_file",
    "import_text",
    "iter_export_text",
    "parse",
    "read_text",
]
