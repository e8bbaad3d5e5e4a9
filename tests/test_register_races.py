"""Register races (issue 16, item 8) between processes, and on disposisi: the row a
``final``, ``batal`` or disposisi status change acts on is locked, so of two at the same
moment exactly one wins and the other gets a :class:`RegisterConflictError`.

tests/test_attack_register.py races two threads; here two *processes*, each with its own
connection, are released together by a barrier for every round (40 rounds), on SQLite
and on PostgreSQL. Before the fix, PostgreSQL let both ``final`` calls succeed (two
serials for one number, one of them lost) and let ``final`` bring back a number
``batal`` had just cancelled.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from naskah.errors import InputError, NaskahError, RegisterConflictError, RegisterError
from naskah.register import Register, StatusDisposisi
from naskah.register.schema import nomor as t_nomor
from naskah.register.schema import penghitung, riwayat_nomor
from tests.registerdb import db_url

__all__ = ["db_url"]

ROUNDS = 40
SCOPE: dict[str, Any] = {"unit": "Ses.PO", "kka": "OT.01.02"}
DAY = "2026-11-25"


def _racer(url: str, action: str, ids: Any, results: Any, barrier: Any) -> None:
    """A process acting on every number id it is sent, released with its rival."""
    with Register(url) as reg:
        while (nomor_id := ids.get()) is not None:
            barrier.wait(timeout=60)
            try:
                if action == "final":
                    reg.final(nomor_id, oleh="proses", tanggal=DAY)
                else:
                    reg.batal(nomor_id, alasan="dibatalkan", oleh="proses")
                results.put((action, nomor_id, "ok", ""))
            except NaskahError as exc:
                results.put((action, nomor_id, type(exc).__name__, str(exc)))


@pytest.fixture
def racers(db_url: str) -> Iterator[Callable[[str, str], Callable[[int], dict[str, Any]]]]:
    """``racers(a, b)``: two processes doing ``a`` and ``b`` ('final' or 'batal'); the
    function returned races them on one id and gives each one's (outcome, message)."""
    ctx = mp.get_context("spawn")  # no fork of a process holding connections
    started: list[tuple[Any, list[Any]]] = []

    def make(a: str, b: str) -> Callable[[int], dict[str, Any]]:
        barrier, results = ctx.Barrier(2), ctx.Queue()
        queues = [ctx.Queue(), ctx.Queue()]
        procs = [ctx.Process(target=_racer, args=(db_url, action, q, results, barrier))
                 for action, q in zip((a, b), queues, strict=True)]
        for p in procs:
            p.start()
        # The barrier and queues must live while the children unpickle them.
        started.append((procs, [*queues, barrier, results]))

        def race(nomor_id: int) -> dict[str, Any]:
            for q in queues:
                q.put(nomor_id)
            got = [results.get(timeout=120) for _ in procs]
            return {f"{action}{i}": (kind, text) for i, (action, _, kind, text) in
                    enumerate(sorted(got, key=lambda r: r[0] != a))}

        return race

    yield make
    for procs, kept in started:
        for q in kept[:2]:
            q.put(None)
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()


def _history(url: str) -> dict[int, list[str]]:
    with Register(url) as reg, reg.engine.connect() as conn:
        found: dict[int, list[str]] = {}
        for r in conn.execute(select(riwayat_nomor).order_by(riwayat_nomor.c.id)):
            found.setdefault(r.nomor_id, []).append(r.aksi)
    return found


def _no_hole(url: str) -> None:
    with Register(url) as reg, reg.engine.connect() as conn:
        serials = sorted(r.urut for r in conn.execute(select(t_nomor)) if r.urut is not None)
        counters = list(conn.execute(select(penghitung.c.terakhir)).scalars())
    assert serials == list(range(1, len(serials) + 1)), serials
    assert counters == [len(serials)], counters


@pytest.mark.slow
def test_two_processes_final_one_number(db_url: str, racers: Any) -> None:
    race = racers("final", "final")
    with Register(db_url) as reg:
        for _ in range(ROUNDS):
            n = reg.ambil_sementara("nota-dinas", oleh="uji", tanggal=DAY, **SCOPE)
            outcome = race(n.id)
            kinds = sorted(kind for kind, _ in outcome.values())
            assert kinds == ["RegisterConflictError", "ok"], outcome
            loser = next(text for kind, text in outcome.values() if kind != "ok")
            assert "is already final" in loser and f"(id {n.id})" in loser, loser
    assert all(acts.count("final") == 1 for acts in _history(db_url).values())
    _no_hole(db_url)


@pytest.mark.slow
def test_two_processes_batal_against_final(db_url: str, racers: Any) -> None:
    race = racers("batal", "final")
    wins = {"batal first": 0, "final first": 0}
    with Register(db_url) as reg:
        for _ in range(ROUNDS):
            n = reg.ambil_sementara("nota-dinas", oleh="uji", tanggal=DAY, **SCOPE)
            outcome = race(n.id)
            batal, final = outcome["batal0"], outcome["final1"]
            assert batal[0] == "ok", outcome  # batal always succeeds: once, on either state
            now = reg.get(n.id)
            assert now.status == "batal", (outcome, now)  # never brought back
            if final[0] == "ok":
                wins["final first"] += 1
                assert _history(db_url)[n.id] == ["sementara", "final", "batal"]
            else:
                wins["batal first"] += 1
                assert final[0] == "RegisterConflictError" and "was cancelled" in final[1]
                assert _history(db_url)[n.id] == ["sementara", "batal"]
    assert sum(wins.values()) == ROUNDS


def test_conflict_error_is_a_register_error_and_bad_input() -> None:
    """The loser's error: a RegisterError (the register refused) that the CLI reports
    as bad input (exit 2), as it does for the same action asked alone."""
    assert issubclass(RegisterConflictError, RegisterError)
    assert issubclass(RegisterConflictError, InputError)


def _race_threads(*calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    barrier = threading.Barrier(len(calls))
    out: list[tuple[str, Any]] = [("missing", None)] * len(calls)

    def work(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            out[i] = ("ok", call())
        except NaskahError as exc:
            out[i] = ("error", exc)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return out


def test_disposisi_read_racing_cancel_has_one_winner(db_url: str) -> None:
    """Two officials at once on one unread disposisi: one marks it read, the other
    cancels it. Exactly one succeeds, and the item ends as that one left it: a
    cancelled disposisi is never marked read (or the other way round)."""
    with Register(db_url) as reg, Register(db_url) as a, Register(db_url) as b:
        letter = reg.agenda.masuk(pengirim="Deputi I", nomor_surat="B-1/D.I/11/2026",
                                  tanggal_surat="2026-11-20", hal="Uji", oleh="uji",
                                  diterima_tanggal="2026-11-21")
        for _ in range(30):
            (item,) = reg.disposisi.beri(letter.id, dari="Karo PO", kepada=["Kabag"],
                                         instruksi="uji", tanggal="2026-11-21")
            read, cancel = _race_threads(
                lambda i=item.id: a.disposisi.ubah_status(i, "dibaca", oleh="Kabag"),
                lambda i=item.id: b.disposisi.ubah_status(i, "batal", oleh="Karo PO"))
            assert sorted([read[0], cancel[0]]) == ["error", "ok"], (read, cancel)
            loser = read if read[0] == "error" else cancel
            assert isinstance(loser[1], RegisterConflictError), loser
            (now,) = [i for i in reg.disposisi.pohon(letter.id) if i.id == item.id]
            assert now.status is (StatusDisposisi.DIBACA if read[0] == "ok"
                                  else StatusDisposisi.BATAL)
