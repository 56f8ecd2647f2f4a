import pytest
from django.test import Client

from tdkt.core.personas import World
from tdkt.voting import sealing
from tdkt.voting.box import UNUSABLE_CODE, ballot_close, ballot_open
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import CastBallot
from tdkt.voting.tests.helpers import board_of, hand_out, make_ballot, make_conference, open_ballot, vote


def _post(client: Client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


def test_a_voter_activates_at_the_table_casts_from_a_phone_and_checks_the_receipt(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client(enforce_csrf_checks=True)  # no login, no CSRF token: the code is the credential
    info = client.get(f"/api/ballots/{ballot.pk}").json()
    assert info["status"] == "open" and info["candidates"][1] == "Huyện Tiên Phước" and info["result"] is None
    hand_out(ballot, board_of(world).chair)
    activated = _post(client, f"/api/ballots/{ballot.pk}/activate", {"code": codes[0]})
    assert activated.status_code == 200 and "đã được kích hoạt" in activated.json()["message"]
    response = _post(
        client, f"/api/ballots/{ballot.pk}/cast", {"code": codes[0], "marks": ["Huyện Tiên Phước"]}
    )
    assert response.status_code == 201, response.json()
    receipt = response.json()["receipt"]
    assert len(receipt) == 20 and "không cho biết bạn đã chọn ai" in response.json()["message"]
    check = _post(client, f"/api/ballots/{ballot.pk}/receipts", {"receipt": receipt}).json()
    assert check["in_box"] is True
    assert (
        _post(client, f"/api/ballots/{ballot.pk}/receipts", {"receipt": "KHONGCO"}).json()["in_box"] is False
    )
    # a receipt never travels in a URL (it would reach the access log)
    assert client.get(f"/api/ballots/{ballot.pk}/receipts/{receipt}").status_code in (404, 405)


def test_unusable_codes_and_a_non_candidate_are_refused_with_422(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client()
    activate_url, cast_url = f"/api/ballots/{ballot.pk}/activate", f"/api/ballots/{ballot.pk}/cast"
    early = _post(client, activate_url, {"code": codes[0]})
    assert early.status_code == 422 and "chưa có lượt phát phiếu" in early.json()["detail"][0]["message"]
    not_activated = _post(client, cast_url, {"code": codes[0], "marks": []})
    assert not_activated.status_code == 422
    hand_out(ballot, board_of(world).chair)
    assert _post(client, activate_url, {"code": codes[0]}).status_code == 200
    stranger = _post(client, cast_url, {"code": codes[0], "marks": ["Người lạ"]})
    assert stranger.status_code == 422
    assert "không có trong danh sách ứng viên" in stranger.json()["detail"][0]["message"]
    assert _post(client, cast_url, {"code": codes[0], "marks": []}).status_code == 201
    again = _post(client, cast_url, {"code": codes[0], "marks": []})
    assert again.status_code == 422
    # a used code and a code never activated get the same answer
    assert again.json()["detail"] == not_activated.json()["detail"]
    assert UNUSABLE_CODE in again.json()["detail"][0]["message"]
    assert CastBallot.objects.count() == 1


def test_the_box_shows_counts_while_open_and_its_ballots_in_canonical_order_once_closed(world: World) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    receipts = [
        vote(ballot, chair, [choice]).code
        for choice in ("Huyện Tiên Phước", "Huyện Nam Giang", "Huyện Nam Giang")
    ]
    client = Client()
    while_open = client.get(f"/api/ballots/{ballot.pk}/box").json()
    assert while_open["status"] == "open" and while_open["cast"] == 3 and while_open["checked_in"] == 3
    assert "ballots" not in while_open and "receipts" not in while_open
    assert client.get(f"/api/ballots/{ballot.pk}/verify").json() == {
        "verified": True,
        "status": "open",
        "problems": [],
    }
    ballot_close(actor=chair, ballot=ballot)
    ballot_tally(actor=chair, ballot=ballot)
    box = client.get(f"/api/ballots/{ballot.pk}/box").json()
    pairs = [(b["marks"], b["against"]) for b in box["ballots"]]
    assert pairs == [(["Huyện Nam Giang"], []), (["Huyện Nam Giang"], []), (["Huyện Tiên Phước"], [])]
    assert pairs == [tuple(p) for p in sealing.box_order(pairs)]  # sorted by content, not by casting
    assert box["box_hash"] == sealing.box_digest(pairs)
    assert box["receipts"] == sorted(sealing.receipt_hash(r) for r in receipts)
    assert box["receipts_hash"] == sealing.receipts_digest(box["receipts"])
    assert box["codes"] == {"issued": 3, "used": 3, "voided": 0} and box["result"]["elected"] == [
        "Huyện Nam Giang"
    ]
    info = client.get(f"/api/ballots/{ballot.pk}").json()
    assert info["box_hash"] == box["box_hash"] and info["result"]["elected"] == ["Huyện Nam Giang"]
    assert "voter" not in str(box) and "name" not in box["ballots"][0]
    assert client.get(f"/api/ballots/{ballot.pk}/verify").json()["verified"] is True
    CastBallot.objects.filter(ballot=ballot).update(marks=["Huyện Tiên Phước"])
    verdict = client.get(f"/api/ballots/{ballot.pk}/verify").json()
    assert verdict["verified"] is False
    assert "nội dung hòm phiếu khác với lúc đóng hòm (mã băm không khớp)" in verdict["problems"]


def test_the_tally_minutes_download_as_docx_and_pdf_with_the_totals_and_hashes(world: World) -> None:
    import io

    from docx import Document

    ballot, _codes = open_ballot(world)
    client = Client()
    for _ in range(3):
        vote(ballot, board_of(world).chair, ["Huyện Tiên Phước"])
    assert client.get(f"/api/ballots/{ballot.pk}/minutes.docx").status_code == 404  # not tallied yet
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    ballot = ballot_tally(actor=board_of(world).chair, ballot=ballot)
    response = client.get(f"/api/ballots/{ballot.pk}/minutes.docx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "số phiếu thu về: 3" in text and ballot.box_hash in text and ballot.result_hash in text
    assert "Huyện Tiên Phước" in cells and "TRƯỞNG BAN KIỂM PHIẾU" in cells
    pdf = client.get(f"/api/ballots/{ballot.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", ["board", "head", "member", "outsider", "public", "chair"])
def test_a_conference_is_public_and_lists_drafts_only_to_those_who_prepare_or_count(
    world: World,
    client_as,
    persona: str,  # type: ignore[no-untyped-def]
) -> None:
    draft = make_ballot(world, title="Phiếu đang chuẩn bị")
    opened = make_ballot(world, conference=draft.conference, title="Phiếu đã mở")
    ballot_open(actor=board_of(world).chair, ballot=opened)
    user = {"public": None, "chair": board_of(world).chair}.get(persona, getattr(world, persona, None))
    response = client_as(user).get(f"/api/conferences/{draft.conference_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "year_end" and body["agenda"][1] == "Suy tôn đơn vị dẫn đầu"
    assert body["counting_board"][0] == {"name": "Đỗ Thị Kiểm", "chair": True}
    assert len(body["record_hash"]) == 64
    titles = [b["title"] for b in body["ballots"]]
    assert ("Phiếu đang chuẩn bị" in titles) is (persona in ("board", "head", "chair"))
    assert "Phiếu đã mở" in titles
    assert client_as(user).get("/api/conferences/9999").status_code == 404
    assert client_as(user).get("/api/conferences/9999/minutes.docx").status_code == 404
    assert client_as(user).get(f"/api/conferences/{draft.conference_id}/minutes.docx").status_code == 200


def test_the_conference_minutes_carry_delegates_agenda_decisions_totals_and_the_record_hash(
    world: World,
) -> None:
    import io

    from docx import Document

    from tdkt.voting.selectors import conference_record_hash
    from tdkt.voting.services import DelegateInput, conference_delegates_set

    ballot, _codes = open_ballot(world)
    conference_delegates_set(
        actor=world.head,
        conference=ballot.conference,
        delegates=[DelegateInput(world.tien_phuoc, "Nguyễn Văn Tiên", "Chủ tịch UBND huyện", True)],
    )
    chair = board_of(world).chair
    for _ in range(3):
        vote(ballot, chair, ["Huyện Tiên Phước"])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    client = Client()
    response = client.get(f"/api/conferences/{ballot.conference_id}/minutes.docx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BIÊN BẢN" in text and "Hội nghị tổng kết năm" in text and "Độc lập - Tự do - Hạnh phúc" in cells
    assert "I. THÀNH PHẦN THAM DỰ" in text and "Nguyễn Văn Tiên *" in cells
    assert "1. Suy tôn đơn vị dẫn đầu" in text and "Tổng kết phong trào thi đua năm 2024" in text
    assert "Suy tôn đơn vị dẫn đầu năm 2024 (vòng 1): Huyện Tiên Phước." in text
    assert "số phiếu thu về: 3" in text and "Quy tắc áp dụng" in text and ballot.result_hash in text
    assert conference_record_hash(ballot.conference) in text
    assert "CHỦ TRÌ HỘI NGHỊ" in cells and "Trần Thị Hạnh" in cells and "Lê Văn Thư" in cells
    pdf = client.get(f"/api/conferences/{ballot.conference_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_ballot_reports_its_form_and_the_changes_to_its_candidates(world: World) -> None:
    from tdkt.voting.services import CandidateInput, CandidateRemoval, ballot_create

    conference = make_conference(world)
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose="merit",
        title="Đề nghị tặng Bằng khen",
        candidates=[
            CandidateInput("Huyện Tiên Phước"),
            CandidateInput("Đơn vị khác", reason="Giới thiệu thêm"),
        ],
        removed=[
            CandidateRemoval("Huyện Phước Sơn", "Đã đề nghị Cờ"),
            CandidateRemoval("Huyện Nam Giang", "Chưa đủ điều kiện"),
        ],
        mode="paper",
    )
    ballot_open(actor=board_of(world).chair, ballot=ballot)
    body = Client().get(f"/api/ballots/{ballot.pk}").json()
    assert (
        body["mode"] == "paper" and body["electorate"] == 3 and "thành viên cụm" in body["candidates_source"]
    )
    assert body["added"] == [{"name": "Đơn vị khác", "reason": "Giới thiệu thêm"}]
    assert {r["name"] for r in body["removed"]} == {"Huyện Phước Sơn", "Huyện Nam Giang"}
    for action, sent in (("activate", {"code": "ABCDEFGHJK"}), ("cast", {"code": "ABCDEFGHJK", "marks": []})):
        refused = _post(Client(), f"/api/ballots/{ballot.pk}/{action}", sent)
        assert refused.status_code == 422 and "phiếu giấy" in refused.json()["detail"][0]["message"]
