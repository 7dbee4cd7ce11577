"""Personal-data rights on real SQLite files holding the demo portfolio: the export (JSON and a
PDF parsed back), the erasure (every table checked, the search index, the erasure log, the raw
bytes of the database and its WAL), the backups that still hold the person, and the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from sqlmodel import select

from kamdesk.cli import main
from kamdesk.core import demo, privacy
from kamdesk.core.account import editing
from kamdesk.core.account.editing import FieldError
from kamdesk.core.documents import reports
from kamdesk.core.errors import DatabaseReadOnly, UnknownKey
from kamdesk.core.model import models as m
from kamdesk.core.settings import Settings
from kamdesk.core.storage import backup, search
from kamdesk.core.storage.db import Database

CLIENT = "szpital-pomorze"
PERSON = "szczesna"  # dr n. med. Małgorzata Szczęsna: VIP and KOL, attends, owns an action
NAME = "dr n. med. Małgorzata Szczęsna"
REASON = "Her request by letter of 20 November, answered the same week"
# Unique strings put in the person's personal notes (an older and the current version).
OLD_SECRET = "Collects xylophonequuxold7342 recordings"
NEW_SECRET = "Collects xylophonequuxnew9911 recordings"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "dossier.db")
    demo.load_demo(database)
    yield database
    database.close()


def query(db: Database, sql: str, *args: Any) -> Any:
    """One value read straight from the file (not through kamdesk)."""
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def rows(db: Database, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def pid(db: Database, client: str = CLIENT, person: str = PERSON) -> int:
    with db.session() as session:
        return privacy.person_id(session, client, person)


def raw_bytes(db: Database) -> bytes:
    """The database file and its companions, as they lie on the disk."""
    return b"".join(
        p.read_bytes() for p in (db.path, db.path.with_name(db.path.name + "-wal")) if p.exists()
    )


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return "".join(text.split())


# --- export ----------------------------------------------------------------------------------------


def test_json_export_holds_everything_about_the_person(db: Database, tmp_path: Path) -> None:
    person_id = pid(db)
    editing.set_map_position(db, person_id, 120.0, 80.5)
    target = tmp_path / "szczesna.json"
    assert main(["--db", str(db.path), "person-export", CLIENT, PERSON, "-o", str(target)]) == 0
    doc = json.loads(target.read_text("utf-8"))
    assert doc["format"] == "kamdesk-person-export" and doc["version"] == 1
    assert doc["client"] == {"key": CLIENT, "name": "Pomorska Grupa Szpitalna S.A."}
    person = doc["person"]
    assert person["name"] == NAME and person["key"] == PERSON
    assert person["info_source"] == "self"
    assert person["legal_basis"].startswith("Consent given in writing on 2024-09-12")
    assert person["vip"] is True and person["kol"] is True
    assert doc["map_position"] == {"x": 120.0, "y": 80.5}

    steps = query(db, "SELECT count(*) FROM relationship_step WHERE stakeholder_id = ?", person_id)
    assert len(doc["relationship_plan"]) == steps > 0
    relations = query(
        db, "SELECT count(*) FROM relation WHERE from_id = ? OR to_id = ?", person_id, person_id
    )
    assert len(doc["relations"]) == relations == 6
    assert {
        "kind": "reports_to",
        "direction": "outgoing",
        "other_key": "wrobel",
        "other_name": "Łukasz Wróbel",
        "reads": f"{NAME} reports to Łukasz Wróbel",
    } in doc["relations"]
    assert any(
        r["direction"] == "incoming" and r["other_name"] == "Joanna Mielczarek"
        for r in doc["relations"]
    )

    meetings = {x["key"]: x for x in doc["meetings"]}
    assert meetings["pomorze-qbr-2026-q3"]["invited"] is True
    assert meetings["pomorze-qbr-2026-q3"]["present"] is True
    assert meetings["pomorze-tender-2027"]["invited"] is True
    assert meetings["pomorze-tender-2027"]["present"] is None  # no notes yet
    assert meetings["pomorze-qbr-2026-q3"]["starts_at"].endswith(("+01:00", "+02:00"))

    assert [a["owner"] for a in doc["action_items"]] == ["dr M. Szczęsna (PGS)"]
    assert doc["action_items"][0]["meeting"] == "pomorze-qbr-2026-q3"
    # other texts naming her, found on folded text, with where they are
    summary = next(x for x in doc["mentions"] if x["table"] == "meeting_notes")
    assert summary["field"] == "summary" and summary["meeting"] == "pomorze-qbr-2026-q3"
    assert "Quarterly business review" in summary["where"]
    assert "Dr Szczęsna passed on" in summary["text"]
    assert summary["matched"] == ["Szczęsna"] and summary["certain"] is True
    assert any(x["table"] == "client" and x["field"] == "reference_story" for x in doc["mentions"])
    # the owner field she is named in is listed once, as her action item
    assert not any(x["field"] == "owner" for x in doc["mentions"])


def test_export_lists_the_issues_a_person_raised(db: Database) -> None:
    with db.session() as session:
        export = privacy.collect(session, pid(db, person="zolkiewski"))
        doc = privacy.as_document(export)
    assert len(doc["issues_raised"]) == 1
    issue = doc["issues_raised"][0]
    assert issue["kind"] in ("complaint", "objection") and issue["text"]
    # the notes quote his complaint by name ("Prof. Żółkiewski's complaint")
    assert any("Żółkiewski" in x["matched"] for x in doc["mentions"])


def test_pdf_export_is_readable_and_fetches_only_resources(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        export = privacy.collect(session, pid(db, "almaty-lab", "sokolov"))
    html = privacy.render_html(export, Settings(kam_name="Anna Kowalska"))
    fetcher = reports.ResourceOnlyFetcher()
    pdf = privacy.build_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Соколов Андрей Викторович" in text  # Cyrillic survives
    assert "ТОО «Алматинская лабораторная сеть»" in text
    assert "Told us themselves" in text  # the source of the information, in words
    assert squash("Written consent under the Law of the Republic of Kazakhstan") in squash(text)
    assert "Ахметова Динара Сериковна reports to Соколов Андрей Викторович" in text
    assert squash("Present the respiratory service to Андрей Викторович") in squash(text)
    assert "Launch presentation" in text and "Anna Kowalska" in text
    assert "Confidential" in text
    assert any(url.endswith("DejaVuSansCondensed.ttf") for url in fetcher.served)
    assert fetcher.refused == []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))

    # the CLI picks the format by the extension (Polish name, this time)
    target = tmp_path / "wrobel.pdf"
    assert main(["--db", str(db.path), "person-export", CLIENT, "wrobel", "-o", str(target)]) == 0
    assert "Łukasz Wróbel" in pdf_text(target.read_bytes())


def test_export_refuses_unknown_keys_and_other_formats(
    db: Database, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "x.json"
    assert main(["--db", str(db.path), "person-export", CLIENT, "nobody", "-o", str(out)]) == 2
    assert "no person with key 'nobody'" in capsys.readouterr().err
    assert main(["--db", str(db.path), "person-export", "nope", PERSON, "-o", str(out)]) == 2
    assert (
        main(["--db", str(db.path), "person-export", CLIENT, PERSON, "-o", str(tmp_path / "x.txt")])
        != 0
    )
    assert "must end in .json or .pdf" in capsys.readouterr().err
    assert not out.exists()
    with db.session() as session, pytest.raises(UnknownKey):
        privacy.person_id(session, "almaty-lab", PERSON)  # a person of another client


# --- finding names in free text -------------------------------------------------------------------


def test_names_are_found_on_folded_text_with_declension() -> None:
    szczesna = privacy.NameMatcher.for_person(NAME, PERSON)
    assert szczesna.parts == ("malgorzata", "szczesna")  # titles and "n." left out
    # a declined form is found (the Polish genitive), as a possible match: only the key's exact
    # form, two parts of the name or the only one make it certain
    found = szczesna.find("Rozmowa z dr Szczęsnej o przetargu")
    assert found is not None and not found.certain and found.words == ("Szczęsnej",)
    assert szczesna.find("Dr Szczesna (no diacritics)").certain  # type: ignore[union-attr]
    assert szczesna.find("The draft was sent by the director") is None  # "dr" is a title
    first_only = szczesna.find("Małgorzata called back")
    assert first_only is not None and not first_only.certain  # a first name: only possible
    assert szczesna.find(None) is None and szczesna.find("") is None

    sokolov = privacy.NameMatcher.for_person("Соколов Андрей Викторович", "sokolov")
    assert sokolov.find("Call Sokolov first").certain  # type: ignore[union-attr]
    assert sokolov.find("Отправить Соколову предложение").certain  # type: ignore[union-attr]
    patronymic = sokolov.find("Present it to Андрей Викторович on Monday")
    assert patronymic is not None and patronymic.certain  # two parts of the name
    assert patronymic.excerpt().startswith("Present it to Андрей")

    ewa = privacy.NameMatcher.for_person("Ewa Dąbrowska-Kuś", "dabrowska")
    kam = ewa.find("Ewa Lindner (KAM)")  # the KAM shares her first name
    assert kam is not None and not kam.certain


# --- erasure ---------------------------------------------------------------------------------------


def test_preview_says_what_goes_and_writes_nothing(db: Database) -> None:
    before = raw_bytes(db)
    with db.session() as session:
        plan = privacy.preview(session, pid(db))
    assert plan.name == NAME and plan.client_key == CLIENT
    assert plan.counts == {
        "person": 1,
        "relationship_steps": 3,
        "relations": 6,
        "meeting_attendances": 2,
        "presences": 1,
        "map_positions": 0,
        "issues_unlinked": 0,
        "action_owners_replaced": 1,
    }
    assert [x.text for x in plan.owners] == ["dr M. Szczęsna (PGS)"]
    assert {x.table for x in plan.mentions} == {"client", "meeting_notes"}
    assert raw_bytes(db) == before


def test_erase_removes_every_link_and_keeps_the_rest(db: Database) -> None:
    person_id = pid(db)
    editing.set_map_position(db, person_id, 10.0, 20.0)
    with db.transaction() as session:  # let her raise one issue too
        issue = session.exec(select(m.ClientIssue).where(m.ClientIssue.kind == "complaint")).first()
        assert issue is not None
        issue.raised_by_id = person_id
        issue_id = issue.id
        session.add(issue)
    people_before = query(db, "SELECT count(*) FROM stakeholder")
    issues_before = query(db, "SELECT count(*) FROM client_issue")

    erased_on = dt.datetime(2026, 11, 22, 15, 30, tzinfo=dt.UTC)
    result = privacy.erase(db, person_id, REASON, now=erased_on)

    assert result.counts == {
        "person": 1,
        "relationship_steps": 3,
        "relations": 6,
        "meeting_attendances": 2,
        "presences": 1,
        "map_positions": 1,
        "issues_unlinked": 1,
        "action_owners_replaced": 1,
        "mentions_left": 2,
    }
    for sql in (
        "SELECT count(*) FROM stakeholder WHERE id = ?1 OR key = 'szczesna'",
        "SELECT count(*) FROM relation WHERE from_id = ?1 OR to_id = ?1",
        "SELECT count(*) FROM meeting_attendee WHERE stakeholder_id = ?1",
        "SELECT count(*) FROM notes_present WHERE stakeholder_id = ?1",
        "SELECT count(*) FROM map_position WHERE stakeholder_id = ?1",
        "SELECT count(*) FROM relationship_step WHERE stakeholder_id = ?1",
        "SELECT count(*) FROM client_issue WHERE raised_by_id = ?1",
    ):
        assert query(db, sql, person_id) == 0, sql
    assert query(db, "SELECT count(*) FROM stakeholder") == people_before - 1
    assert query(db, "SELECT count(*) FROM client_issue") == issues_before  # the issue stays
    assert query(db, "SELECT raised_by_id FROM client_issue WHERE id = ?", issue_id) is None
    owners = set(rows(db, "SELECT owner FROM action_item"))
    assert ("(erased person)",) in owners and ("dr M. Szczęsna (PGS)",) not in owners
    assert ("Ewa Lindner (KAM)",) in owners  # owners naming others are left alone
    assert query(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0
    assert query(db, "PRAGMA integrity_check") == "ok"

    # search finds her no more (the notes that name her are still found, as notes)
    with db.session() as session:
        for words in ("szczesna", "Małgorzata", "m.szczesna"):
            assert [h for h in search.search(session, words) if h.kind == "person"] == []
        assert {h.kind for h in search.search(session, "szczesna")} <= {"client", "notes"}

    # what still names her, for the KAM to edit (not rewritten)
    assert [(x.table, x.field) for x in result.mentions] == [
        ("client", "reference_story"),
        ("meeting_notes", "summary"),
    ]
    assert "Dr Szczęsna passed on" in result.mentions[1].excerpt
    summary = query(
        db,
        "SELECT n.summary FROM meeting_notes n JOIN meeting t ON t.id = n.meeting_id "
        "WHERE t.key = 'pomorze-qbr-2026-q3'",
    )
    assert "Dr Szczęsna passed on" in summary  # free text is listed, never rewritten
    assert result.purged and result.purge_problem is None

    # the record: when, which client, why, how many; never who
    with db.session() as session:
        [log] = privacy.erasure_log(session)
    assert log.reason == REASON and log.client_key == CLIENT and log.reference == result.reference
    assert log.counts == result.counts
    erased_at = log.erased_at_utc.replace(tzinfo=dt.UTC)
    assert erased_at == erased_on  # when, as the caller's clock said
    row = " ".join(str(v) for v in rows(db, "SELECT * FROM erasure_log")[0])
    for trace in ("szczesna", "Szczęsna", "Małgorzata", "@", "PGS"):
        assert trace.lower() not in row.lower()


def test_erasure_leaves_no_copy_in_the_files(db: Database) -> None:
    person_id = pid(db)
    email = query(db, "SELECT email FROM stakeholder WHERE id = ?", person_id)
    editing.set_field(db, m.Stakeholder, person_id, "personal_notes", OLD_SECRET)
    editing.set_field(db, m.Stakeholder, person_id, "personal_notes", NEW_SECRET)
    secrets = (b"xylophonequuxold7342", b"xylophonequuxnew9911", b"phonequuxold7342")
    before = raw_bytes(db)
    assert all(s in before for s in secrets)  # the grep does see them while they are kept
    assert email.encode() in before

    privacy.erase(db, person_id, REASON)

    wal = db.path.with_name(db.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    after = raw_bytes(db)
    for secret in (*secrets, email.encode()):
        assert secret not in after
    db.close()  # and still none once the file is closed
    closed = db.path.read_bytes()
    assert not any(s in closed for s in secrets) and email.encode() not in closed


def test_a_plain_delete_does_leave_copies(db: Database) -> None:
    """The control for the test above: an ordinary (undoable) delete keeps old bytes around,
    so finding none after an erasure means something."""
    person_id = pid(db)
    editing.set_field(db, m.Stakeholder, person_id, "personal_notes", OLD_SECRET)
    editing.delete_stakeholder(db, person_id)
    assert b"xylophonequuxold7342" in raw_bytes(db)


def test_reason_is_required_and_must_not_say_who(db: Database) -> None:
    person_id = pid(db)
    email = query(db, "SELECT email FROM stakeholder WHERE id = ?", person_id)
    for reason, message in (
        ("   ", "say why"),
        ("Małgorzata asked us by phone", "names the person"),
        ("Request from dr Szczęsnej", "names the person"),
        (f"E-mail from {email.upper()}", "names the person"),
        ("x" * 2001, "under 2000"),
    ):
        with pytest.raises(FieldError, match=message):
            privacy.erase(db, person_id, reason)
    assert query(db, "SELECT count(*) FROM stakeholder WHERE id = ?", person_id) == 1
    assert query(db, "SELECT count(*) FROM erasure_log") == 0


def test_backups_that_still_hold_the_person_are_named(db: Database, tmp_path: Path) -> None:
    before = backup.take_backup(db.path, "manual")
    damaged = tmp_path / "not-a-backup.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    person_id = pid(db)
    with db.session() as session:
        plan = privacy.preview(session, person_id, [before])
    assert [(c.path, c.holds) for c in plan.backups] == [(before, True)]

    result = privacy.erase(db, person_id, REASON, backups=[before, damaged])
    assert [(c.path, c.holds) for c in result.backups] == [(before, True), (damaged, None)]
    assert result.backups[1].problem
    after = backup.take_backup(db.path, "manual")
    checks = privacy.check_backups([before, after], CLIENT, PERSON, NAME)
    assert [c.holds for c in checks] == [True, False]
    # by default, the backups module's list is asked
    assert set(privacy.default_backups(db.path)) >= {before, after}


def test_erase_cli(db: Database, tmp_path: Path, capsys) -> None:
    db.close()  # the CLI takes the writer lock itself
    path = str(db.path)
    base = ["--db", path, "person-erase", "almaty-lab", "sokolov"]
    assert main([*base, "--reason", "Андрей asked for it"]) == 2
    assert "names the person" in capsys.readouterr().err
    assert main([*base, "--reason", "Request by letter no. 14"]) == 2  # no --yes, no terminal
    assert "give --yes" in capsys.readouterr().err
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM stakeholder WHERE key = 'sokolov'").fetchone()[0] == 1
    conn.close()

    assert main([*base, "--reason", "Request by letter no. 14", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "cannot be undone" in out and "Erased. Record E-" in out
    assert "Present the respiratory service to Андрей Викторович" in out  # still names him
    assert "still holds them until it rotates out" in out  # today's backup, taken on open
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM stakeholder WHERE key = 'sokolov'").fetchone()[0] == 0
    assert (
        conn.execute("SELECT reason FROM erasure_log").fetchone()[0] == "Request by letter no. 14"
    )
    conn.close()
    assert main([*base, "--reason", "again", "--yes"]) == 2  # no such person any more


def test_erase_needs_a_writable_database(db: Database) -> None:
    person_id = pid(db)
    with Database.open(db.path, readonly=True) as ro, pytest.raises(DatabaseReadOnly):
        privacy.erase(ro, person_id, REASON)
    assert query(db, "SELECT count(*) FROM stakeholder WHERE id = ?", person_id) == 1


def test_private_remarks_that_name_a_person_are_part_of_what_is_kept_about_them(
    db: Database,
) -> None:
    """The KAM's private remarks are never sent to the client, but they are kept about the
    person they name: listed in that person's export and before an erasure."""
    with db.session() as session:
        desantis = privacy.person_id(session, "banca-adriatica", "desantis")
        export = privacy.collect(session, desantis)
        preview = privacy.preview(session, desantis)
    mention = next(x for x in export.mentions if x.field == "private")
    assert mention.table == "meeting_notes" and "'Signora'" in mention.excerpt
    assert any(x.field == "private" for x in preview.mentions)
