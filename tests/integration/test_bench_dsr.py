"""`baomat bench`'s dsr figure at a tiny size: its lines, and the store it leaves behind."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from baomat.bench import dsr
from baomat.bench._app import bench_app
from baomat.services import audit

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[float, str]]]:
    """The figure run once on 40 subjects (20 at first), 3 requests of each kind timed."""
    home = tmp_path_factory.mktemp("dsr") / "home"
    out = io.StringIO()
    dsr.measure(home, 40, 20, AT, out, samples=3)
    lines = {}
    for line in out.getvalue().splitlines():
        tag, name, value, unit = line.split()
        assert tag == "BENCH"
        lines[name] = (float(value), unit)
    return home, lines


def test_it_prints_the_export_and_delete_p99s_and_the_growth_ratio(
    ran: tuple[Path, dict[str, tuple[float, str]]],
) -> None:
    _, lines = ran

    assert lines["dsr.subjects"] == (40, "subjects")
    assert lines["dsr.base_subjects"] == (20, "subjects")
    assert lines["dsr.requests"] == (3, "requests")
    for name in (
        "dsr.export_p99_ms",
        "dsr.delete_p99_ms",
        "dsr.fsync_p99_ms",
        "dsr.base_export_p99_ms",
    ):
        value, unit = lines[name]
        assert value > 0
        assert unit == "ms"
    export, base = lines["dsr.export_p99_ms"][0], lines["dsr.base_export_p99_ms"][0]
    assert lines["dsr.growth_ratio"] == (pytest.approx(export / base, abs=0.01), "ratio")


def test_its_store_holds_several_audit_entries_per_subject(
    ran: tuple[Path, dict[str, tuple[float, str]]],
) -> None:
    _, lines = ran

    assert lines["dsr.audit_entries"][0] >= 3 * 40


@pytest.mark.parametrize(("store", "subjects"), [("full", 40), ("base", 20)])
def test_its_stores_keep_an_unbroken_audit_chain_after_the_requests(
    ran: tuple[Path, dict[str, tuple[float, str]]], store: str, subjects: int
) -> None:
    home, _ = ran

    with bench_app(home / store) as app:
        checked, broken = audit.verify(app.uow())

    assert broken is None
    assert checked > subjects * 3
