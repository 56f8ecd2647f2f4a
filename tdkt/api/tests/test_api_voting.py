from django.test import Client

from tdkt.core.personas import World
from tdkt.voting.services import ballot_close, ballot_tally, entry_hash
from tdkt.voting.tests.test_services import _open


def test_a_voter_casts_from_a_phone_without_logging_in_and_checks_the_receipt(world: World) -> None:
    ballot, codes = _open(world)
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
    ballot, codes = _open(world)
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
    ballot, codes = _open(world)
    client = Client()
    for c in codes:
        client.post(
            f"/api/ballots/{ballot.pk}/cast",
            {"code": c.code, "marks": ["Huyện Nam Giang"]},
            content_type="application/json",
        )
    assert client.get(f"/api/ballots/{ballot.pk}/box").status_code == 404
    ballot_close(actor=world.head, ballot=ballot)
    ballot_tally(actor=world.head, ballot=ballot)
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

    ballot, codes = _open(world)
    client = Client()
    for c in codes:
        client.post(
            f"/api/ballots/{ballot.pk}/cast",
            {"code": c.code, "marks": ["Huyện Tiên Phước"]},
            content_type="application/json",
        )
    assert client.get(f"/api/ballots/{ballot.pk}/minutes.docx").status_code == 404  # not tallied yet
    ballot_close(actor=world.head, ballot=ballot)
    ballot = ballot_tally(actor=world.head, ballot=ballot)
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
