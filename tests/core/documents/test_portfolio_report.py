"""The portfolio report on paper: parsed back from the PDF."""

from __future__ import annotations

import io
import json

import pypdf

from kamdesk.core import demo
from kamdesk.core.documents import portfolio_report
from kamdesk.core.interchange import exchange
from kamdesk.core.settings import Settings
from kamdesk.core.storage.db import Database


def test_demo_report_names_every_client_and_the_dependency(db: Database) -> None:
    demo.load_demo(db)
    prefs = Settings(exchange_rates=demo.DEMO_RATES, kam_name="Anna Kowalska")
    with db.session() as session:
        html = portfolio_report.build_html(session, prefs)
    reader = pypdf.PdfReader(io.BytesIO(portfolio_report.build_pdf(html)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for name in ("Pomorska Grupa Szpitalna", "Patika-Lánc", "Banca Adriatica", "Алматинская"):
        assert name in text
    assert "critical dependency" in text and "HERFINDAHL" in text.upper()
    assert "READY" in text and "Anna Kowalska" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape


def test_report_without_income_data_says_what_is_missing(db: Database) -> None:
    document = {
        "format": "kamdesk-portfolio",
        "version": 1,
        "company": {"name": "Us <b>&amp;</b>", "currency": "EUR"},
        "clients": [{"key": "x", "name": "<script>alert(1)</script> {{ 7*7 }}"}],
    }
    exchange.import_text(db, json.dumps(document), "t.json")
    with db.session() as session:
        html = portfolio_report.build_html(session, Settings())
    assert "<script>alert" not in html and "{{ 7*7 }}" in html
    assert "Set the company&#39;s annual income" in html or "Set the company's annual" in html
    text = pypdf.PdfReader(io.BytesIO(portfolio_report.build_pdf(html))).pages[0].extract_text()
    assert "no full year with our income" in text
