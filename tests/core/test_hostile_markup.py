"""Hostile user text through every HTML/PDF path: the brief, the meeting notes, the client dossier
and the person export. Markup, template syntax and every URL scheme typed into the dossier must
come out as escaped text: nothing is fetched outside resources/, nothing is embedded or linked in
the PDF. Plus a property test: any text is rendered exactly as its escaped self."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from kamdesk.core import privacy
from kamdesk.core.documents import brief, dossier, notes_export, reports
from kamdesk.core.interchange import exchange
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import evaluate
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database
from tests.conftest import SAMPLE
from tests.core.meeting.test_readiness import KEY, NOW

# Markup and template syntax a user might type (or paste) into a text field.
MARKUP = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
    '<style>@import url("http://127.0.0.1:9/import.css"); body { background: url(file:///etc/hostname) }</style>',
    "<svg onload=alert(1)><image href='file:///etc/passwd'/></svg>",
    "<script>alert('x')</script>",
    '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>',
    '"><img src=x onerror=alert(1)>',
    '<meta name="kamdesk-pdf-variant" content="pdf/ua-1">',
    "</title></style></table><h1>injected</h1>",
    "{{ 7*7 }}",
    "{% for x in range(3) %}LOOP{% endfor %}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# comment #}",
]
# Every URL scheme (and path form) as plain text, and as markup pointing at it.
URLS = [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://127.0.0.1:9/x.png",
    "https://example.com/font.ttf",
    "ftp://example.com/x.css",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "javascript:alert(1)",
    "smb://server/share/secret.txt",
    r"\\server\share\secret.txt",
    "../../../../etc/passwd",
    "fonts/../../pyproject.toml",
    "/etc/passwd",
]
HOSTILE = [*MARKUP, *URLS, *(f'<img src="{u}"><a href="{u}">link</a>' for u in URLS)]
PAYLOAD = " ¶ ".join(HOSTILE)
SHORT = '<svg onload=alert(1)> {{ 7*7 }} <img src="file:///etc/passwd">'  # for names, titles


def hostile_document(base: dict[str, Any]) -> dict[str, Any]:
    """The sample portfolio with hostile text in the free-text fields the outputs print: the
    whole payload in one or two fields of each kind, the short one in the rest (a brief with
    the whole payload in every field takes WeasyPrint ~20 s to lay out)."""
    doc = copy.deepcopy(base)
    client = doc["clients"][0]
    client["name"] = f"Wisła {SHORT}"
    client["website"] = "javascript:alert(1)"
    for name in ("history", "market_position", "reference_story", "address"):
        client[name] = SHORT
    client["what_they_do"] = PAYLOAD
    client["competitors"][0]["notes"] = SHORT
    client["plans"][0]["text"] = SHORT
    client["needs"][0]["text"] = SHORT
    client["issues"][0].update(text=PAYLOAD, response=SHORT)
    sokolov, wrobel = client["stakeholders"]
    sokolov["name"] = f"Андрей Соколов {SHORT}"
    for name in (
        "position",
        "department",
        "email",
        "phone",
        "competitor_affinity",
        "form_of_address",
        "pronunciation",
        "interests",
        "legal_basis",
    ):
        sokolov[name] = SHORT
    for name in ("etiquette", "communication_style", "personal_notes"):
        sokolov[name] = PAYLOAD
    sokolov["relationship_plan"][0]["step"] = SHORT
    wrobel["name"] = f"Łukasz Wróbel {SHORT}"
    meeting = client["meetings"][0]
    meeting["title"] = f"Tender {SHORT}"
    for name in ("location", "commitment_sought"):
        meeting[name] = SHORT
    meeting["objective"] = PAYLOAD
    meeting["agenda"] = [SHORT, *HOSTILE[:3]]
    meeting["questions"] = [*meeting["questions"], SHORT]
    meeting["proposals"][0]["text"] = SHORT
    meeting["limits"]["walk_away"] = SHORT
    notes = meeting["notes"] or {}
    notes.update(
        summary=f"Андрей Соколов said: {PAYLOAD}",
        decisions=[SHORT, *HOSTILE[3:6]],
        actions=[{"text": SHORT, "owner": f"Соколов {SHORT}", "due": "2026-12-01", "done": False}],
        next_meeting={"on": "2027-01-15", "purpose": SHORT},
        self_review_comments={"2": SHORT},
    )
    meeting["notes"] = notes
    return doc


class Output:
    def __init__(self, name: str, html: str, pdf: bytes, fetcher: reports.ResourceOnlyFetcher):
        self.name, self.html, self.pdf, self.fetcher = name, html, pdf, fetcher
        self.reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.text = "\n".join(page.extract_text() for page in self.reader.pages)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Output]:
    """The brief, the notes, the dossier and the person export of the hostile portfolio."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    prefs = Settings(kam_name=f"Anna {SHORT}")
    out = []
    with Database.open(path) as db:
        doc = hostile_document(SAMPLE)
        exchange.import_text(db, json.dumps(doc, ensure_ascii=False), "hostile")
        with db.session() as session:
            ctx = load_meeting_context(session, KEY)
            report = evaluate(ctx, prefs, NOW)
            notes = notes_export.load_notes(session, KEY)
            dossier_html = dossier.build_html(session, "wisla-pharma", prefs, NOW)
            person = privacy.collect(session, privacy.person_id(session, "wisla-pharma", "sokolov"))
    htmls = {
        "brief": brief.build_html(ctx, report, prefs, brief.BriefOptions(now=NOW)),
        "notes": notes_export.html(notes, prefs.locale),
        "dossier": dossier_html,
        "person": privacy.render_html(person, prefs),
    }
    for name, html in htmls.items():
        fetcher = reports.ResourceOnlyFetcher()
        out.append(Output(name, html, reports.html_to_pdf(html, fetcher), fetcher))
    return out


def squash(text: str) -> str:
    return "".join(text.split())


def test_every_output_escapes_markup_and_template_syntax(outputs: list[Output]) -> None:
    for out in outputs:
        own_variant_tag = 1 if out.name in ("dossier", "person") else 0  # the template's own
        for payload in HOSTILE:
            if any(c in payload for c in "<>&\"'"):
                allowed = own_variant_tag if payload.startswith("<meta") else 0
                assert out.html.count(payload) == allowed, (out.name, payload)
        for payload in (SHORT, *MARKUP):
            assert str(escape(payload)) in out.html, (out.name, payload)
        assert "<h1>injected</h1>" not in out.html
        assert "LOOP" not in out.html.replace("LOOP{% endfor %}", "")  # never ran as a loop
        assert reports.pdf_variant(out.html) == (
            "pdf/ua-1" if out.name in ("dossier", "person") else None
        )


def test_every_pdf_shows_the_text_and_fetches_only_resources(outputs: list[Output]) -> None:
    root = reports.ResourceOnlyFetcher().root.as_uri() + "/"
    for out in outputs:
        assert out.fetcher.refused == [], out.name  # escaped text is never even requested
        assert out.fetcher.served and all(url.startswith(root) for url in out.fetcher.served)
        text = squash(out.text)
        assert squash("{{ 7*7 }}") in text, out.name
        assert squash("<svg onload=alert(1)>") in text, out.name
        assert "root:x:0:0" not in out.text and "[tool.ruff]" not in out.text


def test_no_pdf_embeds_a_file_or_links_outside(outputs: list[Output]) -> None:
    for out in outputs:
        catalog = out.reader.trailer["/Root"]
        assert "/EmbeddedFiles" not in str(catalog.get("/Names", {})), out.name
        assert "/AF" not in catalog
        for page in out.reader.pages:
            for ref in page.get("/Annots", []) or []:
                annot = ref.get_object()
                assert annot.get("/Subtype") != "/FileAttachment", out.name
                action = annot.get("/A")
                assert action is None or "/URI" not in action, (out.name, action)
        assert b"/EmbeddedFile" not in out.pdf and b"/Launch" not in out.pdf


# --- property: any text comes out as exactly its escaped self ---------------------------------------

PLACEHOLDER = "QQPLACEHOLDERQQ"
PIECES = st.sampled_from(
    [*HOSTILE, "<", ">", "&", '"', "'", "{{", "}}", "{%", "%}", "&amp;", "&#60;", "\u202e", "\x00"]
)
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), min_size=1, max_size=8).map("".join),
).filter(lambda t: t and PLACEHOLDER not in t)  # empty text prints "—"


@pytest.fixture(scope="module")
def notes_data(tmp_path_factory: pytest.TempPathFactory) -> notes_export.NotesData:
    """Real notes, loaded once and then used as plain data (detached from the session)."""
    path = tmp_path_factory.mktemp("notes") / "notes.db"
    with Database.open(path) as db:
        exchange.import_text(db, json.dumps(SAMPLE, ensure_ascii=False), "sample")
        with db.session() as session:
            return notes_export.load_notes(session, KEY)


def _render_notes(data: notes_export.NotesData, text: str) -> str:
    data.notes.summary = text
    data.notes.decisions = [text]
    data.actions[0].owner = text
    return reports.render("notes.html.j2", "en", data=data, mistakes={}, internal=False)


@settings(max_examples=50, deadline=None)
@given(text=TEXT)
def test_any_text_renders_as_its_escaped_self(
    notes_data: notes_export.NotesData, text: str
) -> None:
    expected = _render_notes(notes_data, PLACEHOLDER).replace(PLACEHOLDER, str(escape(text)))
    assert _render_notes(notes_data, text) == expected


def test_placeholder_rendering_is_meaningful(notes_data: notes_export.NotesData) -> None:
    """The property above compares against real output: the placeholder is in it, three times."""
    html = _render_notes(notes_data, PLACEHOLDER)
    assert html.count(PLACEHOLDER) == 3 and "<!DOCTYPE html>" in html
