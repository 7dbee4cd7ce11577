"""The brief: HTML and a real PDF parsed back; user text stays text; only packaged files are read;
the carry brief is two pages with the limits off page 1, the full brief has everything."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest

from kamdesk.cli import main
from kamdesk.core import formats
from kamdesk.core.documents import brief, reports
from kamdesk.core.meeting.context import load_meeting_context
from kamdesk.core.meeting.readiness import evaluate
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database
from tests.conftest import import_reviewed
from tests.core.meeting.test_readiness import KEY, NOW

HOSTILE = (
    '<img src="file:///etc/passwd"> <script>alert("x")</script> {{ 7*7 }} '
    '<link rel="attachment" href="file:///etc/hostname"> <a href="http://example.com/">x</a>'
)


@pytest.fixture
def ready_doc(ready: dict[str, Any]) -> dict[str, Any]:
    return ready


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _render(
    db: Database, doc: dict[str, Any], settings: Settings, full: bool = False
) -> tuple[str, bytes, reports.ResourceOnlyFetcher]:
    import_reviewed(db, doc)
    with db.session() as session:
        ctx = load_meeting_context(session, KEY)
    report = evaluate(ctx, settings, NOW)
    html = brief.build_html(ctx, report, settings, brief.BriefOptions(now=NOW, full=full))
    fetcher = reports.ResourceOnlyFetcher()
    return html, brief.build_pdf(html, fetcher), fetcher


def test_pdf_carries_names_leave_by_and_income_share(
    db: Database, ready_doc: dict[str, Any]
) -> None:
    settings = Settings(exchange_rates={"PLN": 0.25})
    html, pdf, fetcher = _render(db, ready_doc, settings, full=True)
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert 1 <= len(reader.pages) <= 3
    text = _pdf_text(pdf)
    assert "Андрей Соколов" in text
    assert "Łukasz Wróbel" in text
    assert "Wisła Pharma S.A." in text
    assert "9:05" in text  # leave by: 10:00 − 40 min travel − 15 min buffer, in the meeting's time
    # 1,450,000 PLN × 0.25 / 12,500,000 EUR = 2.9 %
    assert "2.9%" in text
    assert "READY" in text and "NOT READY" not in text
    assert "CONFIDENTIAL" in text
    # the fonts came from resources/ through the locked-down fetcher, nothing else was asked for
    assert any(url.endswith("DejaVuSansCondensed.ttf") for url in fetcher.served)
    assert fetcher.refused == []
    fonts = {
        str(f)
        for page in reader.pages
        for f in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
    }
    assert fonts


def test_locale_formats_numbers_and_dates(db: Database, ready_doc: dict[str, Any]) -> None:
    html, _pdf, _f = _render(
        db, ready_doc, Settings(locale="pl", exchange_rates={"PLN": 0.25}), full=True
    )
    assert "2,9%" in html.replace("\u00a0", "").replace(" ", "")
    assert "środa, 25 lis 2026" in html  # Polish weekday and month (2026-11-25 is a Wednesday)


def test_user_text_stays_text_and_reads_no_file(db: Database, ready_doc: dict[str, Any]) -> None:
    ready_doc["clients"][0]["stakeholders"][0]["personal_notes"] = HOSTILE
    ready_doc["clients"][0]["meetings"][0]["objective"] = HOSTILE
    html, pdf, fetcher = _render(db, ready_doc, Settings(), full=True)
    assert (
        "<img src" not in html and "<script>" not in html and '<link rel="attachment"' not in html
    )
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("{{ 7*7 }}")[0][-5:]
    text = _pdf_text(pdf)
    assert "{{ 7*7 }}" in text
    assert '<script>alert("x")</script>' in text.replace("\n", " ")
    assert "root:" not in text
    assert fetcher.refused == []  # escaped markup is never even requested
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
        "ftp://example.com/x",
        "file://remote-host/share/x.css",
    ],
)
def test_fetcher_refuses_everything_outside_resources(url: str) -> None:
    fetcher = reports.ResourceOnlyFetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher(url)
    assert fetcher.refused == [url]


def test_fetcher_refuses_escapes_from_resources() -> None:
    fetcher = reports.ResourceOnlyFetcher()
    inside = (fetcher.root / "styles" / "brief.css").as_uri()
    assert fetcher(inside).read().startswith(b"/*")
    with pytest.raises(ValueError):
        fetcher(fetcher.root.as_uri() + "/../pyproject.toml")


def test_weasyprint_gets_only_our_fetcher(tmp_path: Path) -> None:
    """A document asking for outside files directly (as a hostile template would) gets none."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = (
        f'<html><head><link rel="stylesheet" href="{secret.as_uri()}">'
        f'<link rel="attachment" href="{secret.as_uri()}"></head>'
        f'<body><img src="{secret.as_uri()}"><img src="http://127.0.0.1:9/x.png">hello</body></html>'
    )
    fetcher = reports.ResourceOnlyFetcher()
    pdf = reports.html_to_pdf(html, fetcher)
    assert b"TOP-SECRET-CONTENT" not in pdf
    assert secret.as_uri() in fetcher.refused
    assert "http://127.0.0.1:9/x.png" in fetcher.refused


def test_not_ready_brief_is_marked_with_the_override(
    db: Database, ready_doc: dict[str, Any]
) -> None:
    ready_doc["clients"][0]["meetings"][0]["travel_min"] = None
    import_reviewed(db, ready_doc)
    with db.session() as session:
        ctx = load_meeting_context(session, KEY)
    report = evaluate(ctx, Settings(), NOW)
    html = brief.build_html(
        ctx,
        report,
        Settings(),
        brief.BriefOptions(override_reason="Client moved the meeting to today", now=NOW),
    )
    text = _pdf_text(brief.build_pdf(html))
    assert "NOT READY" in text
    assert "Client moved the meeting to today" in text
    assert "Add a travel time for this in-person meeting." in text


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_gate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ready_doc: dict[str, Any]
) -> None:
    db = str(tmp_path / "cli.db")
    ready_doc["clients"][0]["meetings"][0]["starts_at"] = "2031-11-25T10:00:00+01:00"
    ready_doc["products"][0]["reviewed_on"] = "2031-10-01"
    ready_doc["clients"][0]["financials"][-1]["period"] = "2031-Q3"
    src = tmp_path / "in.json"
    src.write_text(json.dumps(ready_doc, ensure_ascii=False))
    assert _cli(capsys, "--db", db, "import-json", str(src))[0] == 0
    # the file's ticks are someone else's word until confirmed here
    code, out, _ = _cli(capsys, "--db", db, "readiness", KEY, "--json")
    assert code == 3, out
    ticks = [c for c in json.loads(out)["checks"] if c["id"].startswith("tick.")]
    assert all("imported, not reviewed here" in c["message"] for c in ticks)
    code, out, _ = _cli(capsys, "--db", db, "confirm", KEY)
    assert code == 0 and "route_checked, listening_plan, etiquette_reviewed" in out
    assert "Nothing to confirm" in _cli(capsys, "--db", db, "confirm", KEY)[1]
    assert _cli(capsys, "--db", db, "confirm", "no-such-meeting")[0] == 2

    code, out, _ = _cli(capsys, "--db", db, "readiness", KEY, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["status"] == "ready" and data["meeting"] == KEY
    code, out, _ = _cli(capsys, "--db", db, "readiness", KEY)
    assert code == 0 and "READY" in out and "Leave by 09:05" in out
    assert "of 14 · 6 Bad manners: every attendee's manners known" in out  # the score explained

    pdf, html = tmp_path / "b.pdf", tmp_path / "b.html"
    code, out, err = _cli(capsys, "--db", db, "brief", KEY, "-o", str(pdf), "--html", str(html))
    assert code == 0, err
    assert "Андрей Соколов" in _pdf_text(pdf.read_bytes())
    assert "Андрей Соколов" in html.read_text("utf-8")
    assert "Client snapshot" not in html.read_text("utf-8")  # the carry brief
    full = tmp_path / "full.pdf"
    assert _cli(capsys, "--db", db, "brief", KEY, "-o", str(full), "--full")[0] == 0
    assert "Client snapshot" in _pdf_text(full.read_bytes())

    assert _cli(capsys, "--db", db, "readiness", "no-such-meeting")[0] == 2
    assert _cli(capsys, "--db", db, "brief", "no-such-meeting", "-o", str(pdf))[0] == 2

    # make it not ready: the gate refuses, lists the blockers, writes nothing
    update = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "clients": [
            {
                "key": "wisla-pharma",
                "name": "Wisła Pharma S.A.",
                "meetings": [{"key": KEY, "title": "Tender", "travel_min": None}],
            }
        ],
    }
    src.write_text(json.dumps(update, ensure_ascii=False))
    assert _cli(capsys, "--db", db, "import-json", str(src))[0] == 0
    code, out, _ = _cli(capsys, "--db", db, "readiness", KEY, "--json")
    assert code == 3 and json.loads(out)["status"] == "not_ready"
    refused = tmp_path / "refused.pdf"
    code, _, err = _cli(capsys, "--db", db, "brief", KEY, "-o", str(refused))
    assert code == 3 and "Add a travel time" in err and not refused.exists()
    assert (
        _cli(capsys, "--db", db, "brief", KEY, "-o", str(refused), "--override-reason", "  ")[0]
        == 2
    )

    code, out, err = _cli(
        capsys,
        "--db",
        db,
        "brief",
        KEY,
        "-o",
        str(refused),
        "--override-reason",
        "Meeting confirmed by phone; travel by taxi",
    )
    assert code == 0, err
    text = _pdf_text(refused.read_bytes())
    assert "NOT READY" in text and "Meeting confirmed by phone; travel by taxi" in text
    # the reason is stored on the meeting (and exported)
    out_json = tmp_path / "out.json"
    assert _cli(capsys, "--db", db, "export-json", str(out_json))[0] == 0
    meeting = json.loads(out_json.read_text())["clients"][0]["meetings"][0]
    assert meeting["override_reason"] == "Meeting confirmed by phone; travel by taxi"


def test_brief_time_shown_in_the_meetings_own_zone(db: Database, ready_doc: dict[str, Any]) -> None:
    ready_doc["clients"][0]["meetings"][0]["starts_at"] = "2026-11-25T14:00:00+05:00"
    html, _pdf, _f = _render(db, ready_doc, Settings())
    assert "2:00\u202fPM (UTC+05:00)" in html or "2:00 PM (UTC+05:00)" in html
    assert "1:05" in html  # leave by 13:05 local


def test_formatter_money_and_percent() -> None:
    fmt = formats.Formatter("pl")
    assert fmt.percent(0.221) == "22,1%"
    assert formats.Formatter("ru").percent(0.221).replace("\u00a0", " ") == "22,1 %"
    assert formats.Formatter("en").percent(0.05, 0) == "5%"
    assert "zł" in fmt.money(1234567.5, "PLN")
    assert fmt.money(None, "PLN") == "—"
    assert formats.Formatter("it").date(dt.date(2026, 12, 2)) == "2 dic 2026"


# --- the carry brief --------------------------------------------------------------------------

DEMO_DAY = dt.date(2026, 11, 22)  # the demo's own day: loaded then, nothing moves
DEMO_NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
DEMO_KEY = "pomorze-tender-2027"


def _demo_brief(db: Database, settings: Settings, full: bool = False) -> tuple[str, bytes]:
    from kamdesk.core import demo

    demo.load_demo(db, today=DEMO_DAY)
    with db.session() as session:
        ctx = load_meeting_context(session, DEMO_KEY)
    report = evaluate(ctx, settings, DEMO_NOW)
    assert report.ready, [c.message for c in report.blockers()]
    html = brief.build_html(ctx, report, settings, brief.BriefOptions(now=DEMO_NOW, full=full))
    return html, brief.build_pdf(html)


def _positions(pdf: bytes, needle: str) -> list[tuple[int, float, float]]:
    """(page index, height of the text's baseline from the bottom, page height) of each run of
    text containing ``needle``."""
    found: list[tuple[int, float, float]] = []
    for index, page in enumerate(pypdf.PdfReader(io.BytesIO(pdf)).pages):
        height = float(page.mediabox.height)

        def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
            if needle in text:
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((index, y, height))  # noqa: B023 - used at once

        page.extract_text(visitor_text=visit)
    return found


def test_the_demo_negotiations_carry_brief_is_two_pages_with_the_limits_off_page_one(
    db: Database,
) -> None:
    _html, pdf = _demo_brief(db, Settings())
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    flat = " ".join(first.split())
    # page 1: the meeting, the client's tender and plan that bear on it, the last slip
    assert "9:05 AM" in flat  # leave by: 10:00 − 35 min travel − 20 min buffer
    assert "Win the 2027–2031 laboratory framework tender" in flat
    assert "Support PGS in opening the Słupsk oncology extension" in flat
    assert "Slip last time: 3. Interrupting" in flat
    assert "Let each person finish, Dr Szczęsna above all" in flat
    assert "Two weeks of consignment stock" in flat  # a proposal
    assert "Agree that a single cutover would be risky" in flat  # a prepared response
    # page 2: the people, manners first, and the products on the agenda
    flat2 = " ".join(second.split())
    assert "Pani Dyrektor" in flat2 and "Who you will meet" in flat2
    assert "Vireo LIS 4 laboratory information system" in flat2
    # the limits: not on page 1 at all, in their own box on page 2
    assert "10 %" not in first and "14.60 PLN" not in first and "Walk away" not in first
    boxes = _positions(pdf, "FOR YOUR EYES ONLY")
    assert boxes and all(page == 1 for page, _y, _h in boxes)
    assert not [b for b in boxes if b[0] == 0 and b[1] > b[2] / 2]
    assert "14.60 PLN" in flat2


def test_the_limits_can_go_on_a_separate_sheet(db: Database) -> None:
    _html, pdf = _demo_brief(db, Settings(brief_limits_sheet=True))
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 3
    assert "FOR YOUR EYES ONLY" in pages[2] and "Who you will meet" not in pages[2]
    assert not any("Walk away" in text for text in pages[:2])


def test_the_carry_brief_prints_only_answers_tagged_to_the_meetings_needs(db: Database) -> None:
    html, pdf = _demo_brief(db, Settings())
    text = " ".join(_pdf_text(pdf).split())
    # tagged "reference ranges", "cost per reportable result", "migrated", "patient portal"
    assert "Can we keep our current reference ranges when we migrate?" in text
    assert "How is the price per reportable result calculated?" in text
    assert "How do you cut over without stopping the laboratory?" in text
    # tagged "uptime", "installation", "autovalidation": no need of this meeting names them
    assert "during a night shift" not in text
    assert "How long do installation and validation take?" not in text
    assert "Who owns the autovalidation rules?" not in text
    # products tied to a need but not on the agenda are left to the full brief
    assert "ColoScreen" not in text
    full = " ".join(_pdf_text(_demo_brief_again(full=True)).split())
    assert "How long do installation and validation take?" in full
    assert "Who owns the autovalidation rules?" in full


def _demo_brief_again(full: bool) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder, Database.open(Path(folder) / "d.db") as db:
        return _demo_brief(db, Settings(), full=full)[1]


def test_missing_values_are_left_out_and_dates_share_one_style(
    db: Database, ready_doc: dict[str, Any]
) -> None:
    # Wróbel has no department, e-mail, phone, interests…; the proposal's need is its only
    # link; nothing of it may print as a dash
    for full in (False, True):
        html, pdf, _f = _render(db, ready_doc, Settings(), full=full)
        text = _pdf_text(pdf)
        assert "—" not in text.replace("Tender 2027 negotiation —", ""), full
        assert "say: ·" not in text and "None" not in text
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), re.findall(r"\d{4}-\d{2}-\d{2}", text)
        assert "Nov 25, 2026" in text  # Babel's medium date of the locale, everywhere
    # in Polish: the same style in the messages of the checks too
    ready_doc["clients"][0]["stakeholders"][0]["last_contact_on"] = "2026-10-02"
    html, _pdf, _f = _render(db, ready_doc, Settings(locale="pl"), full=False)
    assert "2 paź 2026" in html and "2026-10-02" not in html
