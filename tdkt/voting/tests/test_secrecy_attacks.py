"""The attack suite of docs/decisions/0006-ballot-secrecy.md (with tdkt/web/tests/test_ballot_slips.py, which
checks the printed slips): each insider plays with exactly what they hold
and must link no voter, code or receipt to a choice, nor vote with a slip nobody drew, nor alter a box
unnoticed. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.voting import sealing
from tdkt.voting.box import ballot_activate, ballot_cast, ballot_close, code_hash
from tdkt.voting.counting import ballot_tally, ballot_verify, public_box
from tdkt.voting.models import BallotCode, BoxReceipt, CastBallot, Voter
from tdkt.voting.tests.helpers import (
    CANDIDATES,
    activate,
    board_of,
    hand_out,
    make_ballot,
    open_ballot,
    vote,
)

pytestmark = pytest.mark.django_db

A, B, C = CANDIDATES


def _yes_no_choices(n: int) -> list[tuple[list[str], list[str]]]:
    """n distinct yes/no ballots over the three candidates (each: for, against or neither)."""
    out = []
    for i in range(27):
        marks, against = [], []
        for k, name in enumerate(CANDIDATES):
            digit = (i // 3**k) % 3
            if digit == 1:
                marks.append(name)
            elif digit == 2:
                against.append(name)
        out.append((marks, against))
    return out[:n]


def _cast_all(world: Any, order: list[tuple[list[str], list[str]]]) -> tuple[Any, list[str]]:
    ballot, _ = open_ballot(world, n=len(order), method="yes_no", threshold="1/2")
    chair = board_of(world).chair
    receipts = [vote(ballot, chair, m, against=a).code for m, a in order]
    return ballot, receipts


# -------------------------------------------------------------------------------- the chair and the slips


def test_the_vote_page_never_reads_a_code_from_the_query_string(world, client_as):
    ballot, codes = open_ballot(world)
    html = client_as(None).get(reverse("web:vote", args=[ballot.pk]) + f"?ma={codes[0]}").content.decode()
    assert codes[0] not in html


def test_the_issuing_side_cannot_vote_with_a_slip_nobody_drew(world):
    """The chair printed every code: none votes before a hand-out, and a slip left in the box never does."""
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    for code in codes:
        with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu"):
            ballot_activate(ballot=ballot, code=code)
        with pytest.raises(ValidationFailed, match="không dùng được"):
            ballot_cast(ballot=ballot, code=code, marks=[A])
    vote(ballot, chair, [A], code=codes[0])
    vote(ballot, chair, [B], code=codes[1])
    with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu"):
        ballot_activate(ballot=ballot, code=codes[2])
    with pytest.raises(ValidationFailed, match="không dùng được"):
        ballot_cast(ballot=ballot, code=codes[2], marks=[C])
    closed = ballot_close(actor=chair, ballot=ballot)
    assert (closed.codes_issued, closed.codes_used, closed.codes_voided) == (3, 2, 1)
    assert BallotCode.objects.filter(ballot=ballot, state="void").count() == 1


def test_a_hand_out_is_taken_by_one_activation_only(world):
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    hand_out(ballot, chair)
    ballot_activate(ballot=ballot, code=codes[0])
    with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu"):
        ballot_activate(ballot=ballot, code=codes[1])  # someone else's slip, in the same breath


# ---------------------------------------------------------------------------------------------- no oracle


def _page(response: Any, code: str) -> tuple[int, str]:
    text = response.content.decode().replace(code, "CODE")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return response.status_code, re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_no_request_tells_whether_a_code_was_used(world):
    """The chair holds every code and polls each one with every request a voter can make: used, activated,
    fresh and wrong codes answer alike (only a valid ballot with an activated code differs: it votes)."""
    ballot, codes = open_ballot(world, n=5)
    chair = board_of(world).chair
    used, activated, fresh, wrong = codes[0], codes[1], codes[2], "ABCDEFGHJK"
    vote(ballot, chair, [A], code=used)
    activate(ballot, chair, activated)
    client = Client()
    url = reverse("web:vote", args=[ballot.pk])
    api = f"/api/ballots/{ballot.pk}"

    invalid = {"marks": ["Huyện Không Có"], "action": "cast"}
    pages = {_page(client.post(url, {**invalid, "code": c}), c) for c in (used, activated, fresh, wrong)}
    assert len(pages) == 1 and next(iter(pages))[0] == 400
    too_many = {"marks": [A, B], "action": "cast"}
    assert len({_page(client.post(url, {**too_many, "code": c}), c) for c in (used, activated, fresh)}) == 1
    valid = {"marks": [B], "action": "cast"}
    assert len({_page(client.post(url, {**valid, "code": c}), c) for c in (used, fresh, wrong)}) == 1
    answers = {
        (r.status_code, r.content)
        for c in (used, activated, fresh, wrong)
        for r in [
            client.post(f"{api}/cast", {"code": c, "marks": ["Không Có"]}, content_type="application/json")
        ]
    }
    assert len(answers) == 1
    answers = {
        (r.status_code, r.content)
        for c in (used, fresh, wrong)
        for r in [client.post(f"{api}/cast", {"code": c, "marks": [B]}, content_type="application/json")]
    }
    assert len(answers) == 1
    # activation with no hand-out waiting: the same for every code
    answers = {
        (r.status_code, r.content)
        for c in (used, activated, fresh, wrong)
        for r in [client.post(f"{api}/activate", {"code": c}, content_type="application/json")]
    }
    assert len(answers) == 1
    # with a hand-out waiting, any code of the ballot gets the same success (only a fresh one takes it)
    hand_out(ballot, chair)
    answers = {
        (r.status_code, r.content)
        for c in (used, activated)
        for r in [client.post(f"{api}/activate", {"code": c}, content_type="application/json")]
    }
    assert answers == {
        (200, client.post(f"{api}/activate", {"code": fresh}, content_type="application/json").content)
    }
    ballot.refresh_from_db()
    assert ballot.pending_handouts == 0


# ------------------------------------------------------------------------------ reading the box and the DB


def _storage_order(table: str, ballot_id: int, column: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE ballot_id = %s", [ballot_id])
        return [row[0] for row in cursor.fetchall()]


def _content(rows: list[Any]) -> list[list[list[str]]]:
    out = []
    for row in rows:
        value = json.loads(row) if isinstance(row, str) else row
        out.append(value)
    return out


def test_after_close_nothing_keeps_the_order_of_casting(world):
    """The chair watched who cast when. After close, the public box, the ids, the storage order and the
    row versions give the same sequence whatever the order of casting, or a fresh random one."""
    choices = _yes_no_choices(12)
    order = choices[:]
    random.Random(7).shuffle(order)
    ballot, _ = _cast_all(world, order)
    during = set(CastBallot.objects.filter(ballot=ballot).values_list("id", flat=True))
    ballot_close(actor=board_of(world).chair, ballot=ballot)

    cast_order = [sealing.canonical_ballot(m, a) for m, a in order]
    box = public_box(ballot).as_json()["ballots"]
    assert [[b["marks"], b["against"]] for b in box] == sealing.box_order(order)  # content order only
    rows = list(CastBallot.objects.filter(ballot=ballot).order_by("id").values_list("id", "marks", "against"))
    assert not during & {r[0] for r in rows}  # fresh ids at close
    by_id = [[m, a] for _, m, a in rows]
    assert by_id not in (cast_order, cast_order[::-1])
    stored = [
        [m, a]
        for m, a in zip(
            _content(_storage_order("voting_castballot", ballot.pk, "marks")),
            _content(_storage_order("voting_castballot", ballot.pk, "against")),
            strict=True,
        )
    ]
    assert stored not in (cast_order, cast_order[::-1])
    if connection.vendor == "postgresql":
        for table in ("voting_castballot", "voting_boxreceipt", "voting_ballotcode"):
            assert len(set(_storage_order(table, ballot.pk, "xmin::text"))) == 1, table


def test_the_public_box_is_the_same_whatever_the_order_of_casting(world):
    choices = _yes_no_choices(9)
    first, _ = _cast_all(world, choices)
    second, _ = _cast_all(world, choices[::-1])
    chair = board_of(world).chair
    for b in (first, second):
        ballot_close(actor=chair, ballot=b)
        ballot_tally(actor=chair, ballot=b)
    one, two = public_box(first).as_json(), public_box(second).as_json()
    keys = ("ballots", "box_hash", "cast", "checked_in", "codes")
    assert [one[k] for k in keys] == [two[k] for k in keys]
    for data in (one, two):
        del data["result"]["receipts_hash"]  # a digest of random receipts, different in each ballot
    assert one["result"] == two["result"]


def test_a_receipt_shown_to_a_buyer_points_to_no_ballot(world):
    """The buyer gets the receipt and reads every public endpoint and the whole database: the receipt's
    hash is in the list of receipts, and nowhere beside a ballot."""
    ballot, receipts = _cast_all(world, _yes_no_choices(6))
    chair = board_of(world).chair
    ballot_close(actor=chair, ballot=ballot)
    ballot_tally(actor=chair, ballot=ballot)
    data = public_box(ballot).as_json()
    hashes = [sealing.receipt_hash(r) for r in receipts]
    assert sorted(hashes) == data["receipts"]
    assert all(set(b) == {"marks", "against"} for b in data["ballots"])
    assert {f.name for f in BoxReceipt._meta.get_fields()} == {"id", "ballot", "receipt_hash"}
    assert {f.name for f in CastBallot._meta.get_fields()} == {"id", "ballot", "marks", "against"}
    found = _tables_containing(receipts + hashes)
    assert found == {"voting_boxreceipt"}  # the hashes there, and the receipts themselves nowhere


def _tables_containing(needles: list[str]) -> set[str]:
    """Every table of the project's models with a row whose text holds one of the needles."""
    tables = set()
    for model in apps.get_models():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            text = "\n".join(repr(row) for row in cursor.fetchall())
        if any(n in text for n in needles):
            tables.add(table)
    return tables


def test_code_hashes_are_keyed_per_ballot_and_by_the_servers_secret(world, settings):
    ballot, codes = open_ballot(world)
    other = make_ballot(world)
    stored = set(BallotCode.objects.filter(ballot=ballot).values_list("code_hash", flat=True))
    assert {code_hash(ballot, c) for c in codes} == stored
    assert not {hashlib.sha256(c.encode()).hexdigest() for c in codes} & stored
    assert code_hash(other, codes[0]) != code_hash(ballot, codes[0])
    settings.SECRET_KEY = "một khóa khác của máy chủ khác"
    assert code_hash(ballot, codes[0]) not in stored
    assert not _tables_containing(codes)  # the codes themselves are stored nowhere


# ---------------------------------------------------------------------------------------- logs and URLs


def test_no_code_or_receipt_reaches_a_log_a_link_or_the_audit_trail(world, client_as, caplog, settings):
    """Everyone who reads the logs afterwards: every record at DEBUG (SQL included, with DEBUG on) and every
    link the pages gave out."""
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # an operator turning every logger to DEBUG
    connection.force_debug_cursor = True  # as with DEBUG on: every query goes to the SQL logger
    ballot = make_ballot(world)
    chair = client_as(board_of(world).chair)
    html = chair.post(
        reverse("web:ballot_action", args=[ballot.pk, "open"]), {"confirm": "1"}
    ).content.decode()
    codes = re.findall(r'class="receipt-code"><strong>([A-Z2-9]{10})</strong>', html)
    assert len(codes) == 3
    voter_page = reverse("web:vote", args=[ballot.pk])
    pages, receipts = [html], []
    for voter, code, choice in zip(Voter.objects.filter(ballot=ballot), codes, CANDIDATES, strict=True):
        pages.append(
            chair.post(
                reverse("web:ballot_roll", args=[ballot.pk]), {"voter": voter.pk}, follow=True
            ).content.decode()
        )
        phone = Client()
        pages.append(phone.get(voter_page).content.decode())
        pages.append(phone.post(voter_page, {"code": code, "action": "activate"}).content.decode())
        page = phone.post(voter_page, {"code": code, "action": "cast", "marks": [choice]}).content.decode()
        receipts += re.findall(r'id="receipt">([A-Z2-9]{20})<', page)
        pages.append(
            phone.post(reverse("web:vote_receipt", args=[ballot.pk]), {"bn": receipts[-1]}).content.decode()
        )
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "close"]), {"confirm": "1"})
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    connection.force_debug_cursor = False
    assert len(receipts) == 3
    secrets_ = codes + receipts
    hashes = [code_hash(ballot, c) for c in codes] + [sealing.receipt_hash(r) for r in receipts]
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    assert not [s for s in secrets_ + hashes if s in logged]
    links = "\n".join(m for p in pages for m in re.findall(r'(?:href|action|src)="([^"]*)"', p))
    assert not [s for s in secrets_ if s in links]
    audit = "\n".join(
        json.dumps([e.before, e.after, e.summary], ensure_ascii=False) for e in AuditEvent.objects.all()
    )
    assert not [s for s in secrets_ + hashes if s in audit]


# ------------------------------------------------------------------------------------ counts that verify


def _closed(world: Any, n: int = 5) -> Any:
    ballot, _ = _cast_all(world, _yes_no_choices(n))
    return ballot_close(actor=board_of(world).chair, ballot=ballot)


def test_the_count_refuses_a_box_with_a_ballot_removed_and_its_hash_fixed(world):
    ballot = _closed(world)
    CastBallot.objects.filter(ballot=ballot).order_by("id").first().delete()
    rows = CastBallot.objects.filter(ballot=ballot).values_list("marks", "against")
    ballot.box_hash = sealing.box_digest(rows)
    ballot.save(update_fields=["box_hash"])
    with pytest.raises(ValidationFailed, match="4 phiếu nhưng 5 mã đã được dùng"):
        ballot_tally(actor=board_of(world).chair, ballot=ballot)


def test_the_count_refuses_a_ballot_added_with_its_hash_fixed(world):
    ballot = _closed(world)
    CastBallot.objects.create(ballot=ballot, marks=[A], against=[])
    ballot.box_hash = sealing.box_digest(
        CastBallot.objects.filter(ballot=ballot).values_list("marks", "against")
    )
    ballot.save(update_fields=["box_hash"])
    with pytest.raises(ValidationFailed) as refused:
        ballot_tally(actor=board_of(world).chair, ballot=ballot)
    assert "6 phiếu nhưng 5 mã đã được dùng" in str(refused.value)
    assert "6 phiếu nhưng 5 biên nhận" in str(refused.value)


def test_the_count_refuses_a_ballot_edited_after_close(world):
    ballot = _closed(world)
    row = CastBallot.objects.filter(ballot=ballot).order_by("id").first()
    row.marks, row.against = [C], []
    row.save()
    with pytest.raises(ValidationFailed, match="nội dung hòm phiếu khác với lúc đóng hòm"):
        ballot_tally(actor=board_of(world).chair, ballot=ballot)


def test_verify_names_every_later_edit_of_a_counted_ballot(world, client_as):
    ballot = _closed(world)
    chair = board_of(world).chair
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot_verify(ballot) == []
    receipt = BoxReceipt.objects.filter(ballot=ballot).first()
    receipt.receipt_hash = "0" * 64
    receipt.save()
    assert ballot_verify(ballot) == ["danh sách biên nhận khác với lúc đóng hòm (mã băm không khớp)"]
    page = client_as(None).post(reverse("web:ballot_box", args=[ballot.pk])).content.decode()
    assert "Hòm phiếu không còn như lúc đóng" in page and "Danh sách biên nhận khác" in page
    for url in (
        f"/api/ballots/{ballot.pk}/minutes.pdf",
        f"/api/conferences/{ballot.conference_id}/minutes.docx",
    ):
        refused = Client().get(url)  # no minutes are printed from a box that no longer verifies
        assert refused.status_code == 422
        assert "danh sách biên nhận khác với lúc đóng hòm" in refused.json()["detail"][0]["message"]


def test_verify_catches_a_result_rewritten_with_its_hash(world):
    ballot = _closed(world)
    ballot = ballot_tally(actor=board_of(world).chair, ballot=ballot)
    forged = dict(ballot.result)
    forged["elected"] = [C]
    ballot.result = forged
    ballot.result_hash = sealing.digest(sealing.canonical(forged))
    ballot.save(update_fields=["result", "result_hash"])
    problems = ballot_verify(ballot)
    assert problems == ["kiểm lại hòm phiếu cho kết quả khác kết quả đã lưu (elected)"]
    response = Client().get(f"/api/ballots/{ballot.pk}/verify")
    assert response.json() == {"verified": False, "status": "tallied", "problems": problems}


def test_a_sound_ballot_verifies_from_the_command_line(world, capsys):
    from django.core.management import call_command

    ballot = ballot_tally(actor=board_of(world).chair, ballot=_closed(world))
    call_command("ballot", "verify", str(ballot.pk))
    assert "khớp với lúc đóng hòm và kiểm phiếu" in capsys.readouterr().out


def test_verifying_a_ballot_still_open_says_there_is_nothing_to_check_yet(world):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    ballot, _ = open_ballot(world)
    with pytest.raises(CommandError, match="hòm phiếu chưa đóng"):
        call_command("ballot", "verify", str(ballot.pk))
