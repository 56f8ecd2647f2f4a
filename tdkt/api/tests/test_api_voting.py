import pytest
from django.test import Client

from tdkt.core.personas import World
from tdkt.voting.services import ballot_cast, ballot_close, ballot_open, ballot_tally, entry_hash
from tdkt.voting.tests.helpers import board_of, make_ballot, make_conference, open_ballot


def test_a_voter_casts_from_a_phone_without_logging_in_and_checks_the_receipt(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client(enforce_csrf_checks=True)
    info = client.get(f"/api/ballots/{ballot.pk}").json()
    assert info["status"] == "open" and info["candidates"][1] == "Huyện Tiên Phước" and info["result"] is None
    response = client.post(
        f"/api/ballots/{ballot.pk}/cast",
        {"code": codes[0].code, "marks": ["Huyện Tiên Phước"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    receipt = response.json()["receipt"]
    assert client.get(f"/api/ballots/{ballot.pk}/receipts/{receipt}").json()["in_box"] is True
    assert client.get(f"/api/ballots/{ballot.pk}/receipts/KHONGCO").json()["in_box"] is False


def test_a_reused_code_and_a_non_candidate_are_refused_with_422(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client()
    url = f"/api/ballots/{ballot.pk}/cast"
    assert (
        client.post(url, {"code": codes[0].code, "marks": []}, content_type="application/json").status_code
        == 201
    )
    again = client.post(url, {"code": codes[0].code, "marks": []}, content_type="application/json")
    assert again.status_code == 422 and "đã được dùng" in again.json()["detail"][0]["message"]
    stranger = client.post(
        url, {"code": codes[1].code, "marks": ["Người lạ"]}, content_type="application/json"
    )
    assert stranger.status_code == 422 and "không phải ứng viên" in stranger.json()["detail"][0]["message"]


def test_the_box_is_published_only_once_closed_and_its_chain_can_be_recomputed(world: World) -> None:
    ballot, codes = open_ballot(world)
    client = Client()
    for c in codes:
        client.post(
            f"/api/ballots/{ballot.pk}/cast",
            {"code": c.code, "marks": ["Huyện Nam Giang"]},
            content_type="application/json",
        )
    assert client.get(f"/api/ballots/{ballot.pk}/box").status_code == 404
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    ballot_tally(actor=board_of(world).chair, ballot=ballot)
    entries = client.get(f"/api/ballots/{ballot.pk}/box").json()
    previous = "0" * 64
    for e in entries:
        assert e["previous_hash"] == previous
        assert entry_hash(previous, e["marks"], e["against"], e["receipt_hash"]) == e["entry_hash"]
        previous = e["entry_hash"]
    info = client.get(f"/api/ballots/{ballot.pk}").json()
    assert info["box_hash"] == previous and info["result"]["elected"] == ["Huyện Nam Giang"]
    assert "voter" not in str(entries) and "name" not in entries[0]


def test_the_tally_minutes_download_as_docx_and_pdf_with_the_totals_and_hashes(world: World) -> None:
    import io

    from docx import Document

    ballot, codes = open_ballot(world)
    client = Client()
    for c in codes:
        client.post(
            f"/api/ballots/{ballot.pk}/cast",
            {"code": c.code, "marks": ["Huyện Tiên Phước"]},
            content_type="application/json",
        )
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

    ballot, codes = open_ballot(world)
    conference_delegates_set(
        actor=world.head,
        conference=ballot.conference,
        delegates=[DelegateInput(world.tien_phuoc, "Nguyễn Văn Tiên", "Chủ tịch UBND huyện", True)],
    )
    for c in codes:
        ballot_cast(ballot=ballot, code=c.code, marks=["Huyện Tiên Phước"])
    chair = board_of(world).chair
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
    cast = Client().post(
        f"/api/ballots/{ballot.pk}/cast", {"code": "ABCDEFGHJK", "marks": []}, content_type="application/json"
    )
    assert cast.status_code == 422 and "phiếu giấy" in cast.json()["detail"][0]["message"]
