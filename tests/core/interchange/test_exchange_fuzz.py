"""Hostile input for the JSON importer (property-based): random bytes and randomly mutated
portfolio documents never crash it, and a refused file changes nothing already saved."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamdesk.core.errors import KamdeskError
from kamdesk.core.interchange import exchange
from kamdesk.core.storage.db import Database
from tests.conftest import SAMPLE

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "2026-02-30", "2026-11-25T10:00:00", "<script>", "{{ 7*7 }}", "x" * 70]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (as a path of keys and indexes)."""
    out = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*here, index))
    return out


def _mutate(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        places = [p for p in _paths(doc) if p]
        path = data.draw(st.sampled_from(places))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        last = path[-1]
        if action == "replace":
            parent[last] = data.draw(JSON_VALUES)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=12))] = data.draw(JSON_VALUES)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return doc


def _snapshot(db: Database) -> str:
    with db.session() as session:
        document = exchange.export_document(session)
    document.pop("exported_at")
    return json.dumps(document, sort_keys=True)


class _Dossier:
    """One real database for a whole property run (hypothesis reruns the test body)."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.db = Database.open(Path(self.tmp.name) / "fuzz.db")
        exchange.import_text(self.db, json.dumps(SAMPLE), "sample")

    def close(self) -> None:
        self.db.close()
        self.tmp.cleanup()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_random_bytes_are_refused_cleanly(raw: bytes) -> None:
    try:
        text = exchange.decode(raw, "random.json")
        exchange.parse(text, "random.json")
    except KamdeskError as exc:
        assert str(exc)  # a message for the user, never an empty one
    # (a random text that is a whole valid portfolio is fine too)


def test_mutated_documents_never_crash_and_refusals_write_nothing() -> None:
    dossier = _Dossier()
    outcomes = {"imported": 0, "refused": 0}

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        mutated = _mutate(SAMPLE, data)
        before = _snapshot(dossier.db)
        try:
            exchange.import_text(dossier.db, json.dumps(mutated), "mutated.json")
        except KamdeskError as exc:
            assert str(exc)
            assert _snapshot(dossier.db) == before  # all or nothing: nothing
            outcomes["refused"] += 1
        else:
            outcomes["imported"] += 1

    try:
        run()
    finally:
        dossier.close()
    assert outcomes["refused"] > 0  # the mutations do reach the checks
