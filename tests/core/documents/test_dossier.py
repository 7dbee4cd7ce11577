"""The client dossier: real databases, real PDFs parsed back with pypdf (pages, bookmarks, the
table of contents, the text), PDF/UA markers, user text kept as text, nothing fetched."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import io
import json
import multiprocessing
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from kamdesk.cli import main
from kamdesk.core import demo
from kamdesk.core.documents import dossier, reports
from kamdesk.core.errors import UnknownKey
from kamdesk.core.interchange import exchange
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database

FLAGSHIP = "szpital-pomorze"
SECTIONS = [
    "Profile and history",
    "Why a key client",
    "Finances",
    "Credit and receivables",
    "Needs and our products",
    "Plans and tenders",
    "Competitors",
    "Relationship map",
    "VIPs and KOLs",
    "All stakeholders",
    "Complaints and objections",
    "Meeting history",
    "Open actions",
]
HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
    '{{ 7*7 }} <script>alert("x")</script>'
)


def squash(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines wherever the layout did."""
    return "".join(text.split())


def outline_entries(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark, in order."""
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


class Rendered:
    def __init__(self, html: str, pdf: bytes, fetcher: reports.ResourceOnlyFetcher):
        self.html = html
        self.pdf = pdf
        self.fetcher = fetcher
        self.reader = pypdf.PdfReader(io.BytesIO(pdf))
        self.pages = [page.extract_text() for page in self.reader.pages]
        self.text = "\n".join(self.pages)


def render(db: Database, key: str, settings: Settings, now: dt.datetime | None = None) -> Rendered:
    with db.session() as session:
        html = dossier.build_html(session, key, settings, now)
    fetcher = reports.ResourceOnlyFetcher()
    return Rendered(html, dossier.build_pdf(html, fetcher), fetcher)


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rendered, Any]]:
    """The demo's flagship client, rendered once for the module (a render takes ~2 s)."""
    # the demo as on the day it was written, printed that day: its figures are known
    day = demo.written_on()
    document = demo.demo_document(day)
    path = tmp_path_factory.mktemp("dossier") / "demo.db"
    with Database.open(path) as db:
        exchange.import_text(db, json.dumps(document, ensure_ascii=False), "demo")
        settings = Settings(exchange_rates=demo.DEMO_RATES, kam_name="Anna Kowalska")
        now = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
        rendered = render(db, FLAGSHIP, settings, now)
    client = next(c for c in document["clients"] if c["key"] == FLAGSHIP)
    yield rendered, client


def test_pages_bookmarks_and_contents(flagship: tuple[Rendered, Any]) -> None:
    r, client = flagship
    vips = [p for p in client["stakeholders"] if p.get("vip") or p.get("kol")]
    assert len(vips) == 6
    # cover + contents + one page per VIP/KOL at least; and not absurdly long
    assert 2 + len(vips) + 3 <= len(r.reader.pages) <= 30
    assert "Pomorska Grupa Szpitalna S.A." in r.pages[0] and "Confidential" in r.pages[0]
    assert "Anna Kowalska" in r.pages[0]  # the KAM, from the settings

    entries = outline_entries(r.reader)
    titles = [title for _depth, title, _page in entries]
    for section in ["Contents", *SECTIONS]:
        assert section in titles, section
    for person in vips:
        assert (1, person["name"], entries[titles.index(person["name"])][2]) in entries
    # each VIP/KOL has a page of their own: their bookmarks point at different pages
    vip_pages = [page for depth, _title, page in entries if depth == 1]
    assert len(set(vip_pages)) == len(vips)

    # the contents page's numbers are the pages the sections start on (target-counter)
    contents = r.pages[1]
    for _depth, title, page in entries:
        if title == "Contents":
            continue
        found = re.search(re.escape(title) + r"[\s.]*?(\d+)\s*$", contents, re.MULTILINE)
        assert found, title
        assert int(found.group(1)) == page, title
        assert title in r.pages[page - 1], f"{title} not on page {page}"
    assert int(re.search(r"Finances[\s.]*?(\d+)", contents).group(1)) >= 3  # type: ignore[union-attr]


def test_every_person_and_plan_is_printed(flagship: tuple[Rendered, Any]) -> None:
    r, client = flagship
    text = squash(r.text)
    for person in client["stakeholders"]:
        assert squash(person["name"]) in text, person["name"]
    for plan in client["plans"]:
        assert squash(plan["text"]) in text, plan["text"]
    for need in client["needs"]:
        assert squash(need["text"]) in text
    for meeting in client["meetings"]:
        assert squash(meeting["title"]) in text
    # Polish names survive extraction letter for letter
    assert "Żółkiewski" in r.text and "Kędzierska-Ruść" in r.text and "Łukasz Wróbel" in r.text
    # footer on every page but the cover
    assert all("Confidential" in page for page in r.pages[1:])
    assert f"Page 2 of {len(r.pages)}" in r.pages[1]


def test_figures_and_computed_key_reason(flagship: tuple[Rendered, Any]) -> None:
    r, _client = flagship
    # 44.9 M PLN × 0.2353 / 48 M EUR = 22.0 %: computed, with its year and level
    assert "22.0%" in r.text and "critical dependency" in r.text
    assert "of our income in 2025" in r.text.replace("\n", " ")
    # the three charts are inline SVG in the page (no file, no script), drawn into the PDF
    assert r.html.count('class="kamdesk-chart"') == 3
    assert "<script" not in r.html
    assert "2.4B" in r.text  # revenue value label of 2025
    assert "critical 20%" in r.text and "key 10%" in r.text  # the share chart's levels
    assert "Days of sales outstanding" in r.text
    # the KAM's own reason for a definition, printed beside it
    assert "three-site LIS 4 rollout" in " ".join(r.text.split())


def test_pdf_ua_markers_and_locked_down_fetching(flagship: tuple[Rendered, Any]) -> None:
    r, _client = flagship
    root = r.reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert r.pdf.startswith(b"%PDF-1.7")
    xmp = r.reader.xmp_metadata
    assert xmp is not None
    raw = xmp.stream.get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in raw or "<pdfuaid:part>1</pdfuaid:part>" in raw
    assert r.reader.metadata is not None
    assert r.reader.metadata.title == "Client dossier: Pomorska Grupa Szpitalna S.A."
    assert r.reader.metadata.author == "Anna Kowalska"
    assert r.reader.trailer["/ID"][0] == r.reader.trailer["/ID"][1]  # a content hash

    # structure: headings, tables with header cells, figures with alternative text
    kinds: dict[str, int] = {}
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            for kid in node:
                walk(kid)
            return
        if not isinstance(node, pypdf.generic.DictionaryObject):
            return
        kind = node.get("/S")
        if kind is not None:
            kinds[str(kind)] = kinds.get(str(kind), 0) + 1
            if kind == "/Figure":
                alts.append(str(node.get("/Alt", "")))
        if "/K" in node:
            walk(node["/K"])

    walk(root["/StructTreeRoot"]["/K"])
    assert kinds.get("/H1", 0) >= len(SECTIONS) and kinds.get("/H2", 0) >= 6
    assert kinds.get("/Table", 0) >= 8 and kinds.get("/TH", 0) >= kinds["/Table"]
    assert sorted(alts) == sorted(
        [
            "Client revenue per year",
            "Our sales against the target",
            "Our income share from the client per year",
            "Relationship map",
        ]
    )
    # every font is embedded, and only the bundled family is used
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in r.reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all("Kamdesk" in f or "DejaVu" in f for f in fonts), fonts
    assert all("Semi-Condensed" in f for f in fonts), fonts  # no system font slipped in
    assert any(url.endswith("DejaVuSansCondensed.ttf") for url in r.fetcher.served)
    assert r.fetcher.refused == []


@pytest.fixture
def sample_db(db: Database, sample: dict[str, Any]) -> Database:
    exchange.import_text(db, json.dumps(sample, ensure_ascii=False), "sample")
    return db


def test_user_text_stays_text_and_fetches_nothing(db: Database, sample: dict[str, Any]) -> None:
    client = sample["clients"][0]
    for name in ("what_they_do", "history", "reference_story", "market_position", "website"):
        client[name] = HOSTILE
    client["name"] = "Wisła " + HOSTILE
    client["plans"][0]["text"] = HOSTILE
    client["competitors"][0]["notes"] = HOSTILE
    person = client["stakeholders"][0]
    person["name"] = "Андрей " + HOSTILE
    person["personal_notes"] = HOSTILE
    person["relationship_plan"][0]["step"] = HOSTILE
    client["meetings"][0]["notes"]["summary"] = HOSTILE
    exchange.import_text(db, json.dumps(sample, ensure_ascii=False), "hostile")
    r = render(db, "wisla-pharma", Settings(exchange_rates={"PLN": 0.25}))

    for raw in ("<img src", "<script>", '<link rel="attachment"'):
        assert raw not in r.html, raw
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in r.html
    assert "{{ 7*7 }}" in r.html and ">49<" not in r.html
    flat = r.text.replace("\n", " ")
    assert "{{ 7*7 }}" in flat
    assert '<script>alert("x")</script>' in flat
    assert '<img src="file:///etc/passwd">' in flat
    assert "root:" not in r.text
    assert r.fetcher.refused == []  # escaped markup is never even requested
    assert "/EmbeddedFiles" not in str(r.reader.trailer["/Root"].get("/Names", {}))
    # the hostile name is a bookmark and a map label, as text
    titles = [title for _d, title, _p in outline_entries(r.reader)]
    assert "Андрей " + HOSTILE in titles
    assert "Андрей &lt;img" in r.html.split('class="relmap"')[1]
    assert r.reader.metadata is not None
    assert r.reader.metadata.title == "Client dossier: Wisła " + HOSTILE


def test_sample_dossier_contents(sample_db: Database, sample: dict[str, Any]) -> None:
    now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    r = render(sample_db, "wisla-pharma", Settings(locale="pl", exchange_rates={"PLN": 0.25}), now)
    text = r.text
    assert "Андрей Соколов" in text and "Łukasz Wróbel" in text  # Cyrillic and Polish
    titles = [title for _d, title, _p in outline_entries(r.reader)]
    assert "Андрей Соколов" in titles and "Łukasz Wróbel" in titles  # VIP and KOL pages
    assert "2027 tender" in text
    # 1,450,000 PLN × 0.25 / 12,500,000 EUR = 2.9 %, formatted for Polish
    assert "2,9%" in text.replace("\u00a0", "")
    assert "20 lis 2026" in text or "20 listopada 2026" in text  # the date prepared, in Polish
    # meeting history: summary, who was present, objective, decisions, the open action
    flat = squash(text)
    for bit in ("Good", "Pilot in Q1", "Partly achieved", "Send offer", "Agree the 2027 volume"):
        assert squash(bit) in flat, bit
    assert "Present" in text and "Андрей Соколов" in text
    assert "Argued about" not in text  # the self-review comments are the KAM's own: not here


def test_minimal_client_renders(db: Database) -> None:
    exchange.import_text(
        db,
        json.dumps(
            {
                "format": "kamdesk-portfolio",
                "version": 1,
                "clients": [{"key": "bare", "name": "Bare Client Sp. z o.o."}],
            }
        ),
        "bare",
    )
    r = render(db, "bare", Settings())
    assert 3 <= len(r.pages) <= 8
    assert "No financial periods recorded." in r.text
    assert "No people recorded." in r.text
    titles = [title for _d, title, _p in outline_entries(r.reader)]
    assert "VIPs and KOLs" not in titles and "Meeting history" in titles
    assert r.fetcher.refused == []


def test_unknown_client(db: Database) -> None:
    with db.session() as session, pytest.raises(UnknownKey):
        dossier.build_html(session, "nobody", Settings())


def test_html_built_here_renders_in_a_spawned_process(sample_db: Database) -> None:
    """What the GUI does: HTML built in its own process, the PDF made in a spawn-started one
    through reports.html_to_pdf. The same PDF/UA document comes out."""
    with sample_db.session() as session:
        html = dossier.build_html(session, "wisla-pharma", Settings())
    assert reports.pdf_variant(html) == "pdf/ua-1"
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        pdf = pool.submit(reports.html_to_pdf, html).result(timeout=120)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "Андрей Соколов" in [t for _d, t, _p in outline_entries(reader)]


def test_variant_meta_is_ours_only() -> None:
    meta = '<meta name="kamdesk-pdf-variant" content="pdf/ua-1">'
    assert reports.pdf_variant(f"<html><head>{meta}") == "pdf/ua-1"
    assert reports.pdf_variant(meta.replace("pdf/ua-1", "pdf/a-1b")) is None  # not supported
    assert reports.pdf_variant("<html><head><title>x</title>") is None  # the brief: plain PDF
    assert reports.pdf_variant("<p>" + "x" * 3000 + meta) is None  # only at the top


def test_css_strings_for_the_page_margins() -> None:
    assert str(dossier.css_string('a"b\\c</style>')) == '"a\\"b\\\\c\\3C /style>"'
    assert str(dossier.page_of()) == '"Page " counter(page) " of " counter(pages)'


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_dossier(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, sample: dict[str, Any]
) -> None:
    db = str(tmp_path / "cli.db")
    src = tmp_path / "in.json"
    src.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    assert _cli(capsys, "--db", db, "import-json", str(src))[0] == 0

    pdf, html = tmp_path / "d.pdf", tmp_path / "d.html"
    code, out, err = _cli(
        capsys, "--db", db, "dossier", "wisla-pharma", "-o", str(pdf), "--html", str(html)
    )
    assert code == 0, err
    assert str(pdf) in out
    reader = pypdf.PdfReader(pdf)
    assert "Андрей Соколов" in "\n".join(page.extract_text() for page in reader.pages)
    assert "Wisła Pharma S.A." in html.read_text("utf-8")
    assert not list(tmp_path.glob("*.tmp*"))  # written atomically: no temporary file left

    missing = tmp_path / "missing.pdf"
    code, _out, err = _cli(capsys, "--db", db, "dossier", "no-such-client", "-o", str(missing))
    assert code == 2 and "no-such-client" in err and not missing.exists()
