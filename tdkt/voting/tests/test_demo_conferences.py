"""The demo's conferences: the seeds' results kept, with counting boards, delegates, agenda and decisions;
the Quảng Nam 2024 conference keeps a ballot in draft that the demo runs live, from opening to minutes."""

import io

import pytest
from django.contrib.auth.models import User

from tdkt.clusters.models import ClusterRole
from tdkt.demo import loader
from tdkt.reports.documents import to_docx
from tdkt.voting.box import ballot_close, ballot_open
from tdkt.voting.counting import ballot_tally, ballot_verify
from tdkt.voting.minutes import conference_minutes
from tdkt.voting.models import Ballot, BallotStatus, Conference, EntryStatus
from tdkt.voting.tests.helpers import vote


@pytest.fixture
def demo(db: None) -> None:
    loader.load()


def test_quang_binh_2023_keeps_its_results_with_its_board_delegates_and_covenant(demo: None) -> None:
    conference = Conference.objects.get(cluster_year__cluster__code="CTD-HTT-QBH", cluster_year__year=2023)
    assert [(m.user.username, m.is_chair) for m in conference.counting_board.select_related("user")] == [
        ("lethuy", True),
        ("minhhoa", False),
    ]
    assert conference.delegates.count() == 16 and conference.delegates.filter(votes=True).count() == 8
    assert len(conference.agenda_items) == 4 and conference.covenant is not None
    assert (
        conference.covenant.cluster_year.year == 2024 and conference.chair_name and conference.secretary_name
    )
    ballots = {b.purpose: b for b in conference.ballots.all()}
    assert sorted(ballots["flag"].result["elected"]) == [
        "Huyện Lệ Thủy",
        "Huyện Quảng Ninh",
        "Thành phố Đồng Hới",
    ]
    assert ballots["head"].result["elected"] == ["Huyện Minh Hóa"] and ballots["head"].applied
    deputy = ballots["deputy"]
    assert deputy.mode == "paper" and deputy.result["elected"] == ["Huyện Tuyên Hóa"]
    entry = deputy.paper_entries.get()
    assert entry.status == EntryStatus.CONFIRMED and entry.entered_by.username == "lethuy"
    assert entry.confirmed_by is not None and entry.confirmed_by.username == "minhhoa"
    assert ballots["head"].removed_candidates.count() == 5
    roles = {
        r.role: r.unit.code
        for r in ClusterRole.objects.filter(
            cluster_year__cluster__code="CTD-HTT-QBH", cluster_year__year=2024
        )
    }
    assert roles == {"head": "QBH-MH", "deputy": "QBH-TH"}
    voter = ballots["flag"].voters.order_by("id").first()
    assert voter is not None and "Chủ tịch" not in voter.name and voter.name.endswith(")")


def test_quang_nam_2024_honours_the_first_of_the_published_ranking_and_runs_a_ballot_live(demo: None) -> None:
    conference = Conference.objects.get(cluster_year__cluster__code="CTD-MN-QNA", cluster_year__year=2024)
    flag = conference.ballots.get(purpose="flag")
    first = min(flag.scoring_run.result["ranking"], key=lambda r: r["rank"])  # type: ignore[union-attr]
    assert flag.result["elected"] == [first["name"]] == ["Huyện Tiên Phước"]
    assert "Bảng xếp hạng đã công bố" in flag.candidates_source and flag.removed_candidates.count() == 6
    merit = conference.ballots.get(purpose="merit")
    assert merit.status == BallotStatus.TALLIED and sorted(merit.result["elected"]) == [
        "Huyện Bắc Trà My",
        "Huyện Nam Giang",
        "Huyện Phước Sơn",
    ]
    live = conference.ballots.get(purpose="other")
    assert live.status == BallotStatus.DRAFT and live.candidates.count() == 3

    chair, counter = User.objects.get(username="tienphuoc"), User.objects.get(username="namgiang")
    codes = ballot_open(actor=chair, ballot=live)
    assert len(codes) == 9
    for code in codes[:7]:  # seven delegates present: each handed a slip, activated at the table, cast
        vote(live, counter, ["Huyện Nam Giang"], code=code)
    live = ballot_close(actor=counter, ballot=live)
    assert (live.checked_in, live.codes_used, live.codes_voided) == (7, 7, 2)
    live = ballot_tally(actor=chair, ballot=live)
    assert live.result["elected"] == ["Huyện Nam Giang"] and ballot_verify(live) == []
    from docx import Document

    document = Document(io.BytesIO(to_docx(conference_minutes(conference))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Đề nghị UBND tỉnh tặng Bằng khen năm 2024 (vòng 1): " in text
    assert "(vòng 1): Huyện Nam Giang." in text
    assert "Ban kiểm phiếu do hội nghị bầu: Trần Thị Mai (Trưởng ban), Phạm Văn Giang." in text


def test_the_demo_accounts_list_the_counting_board(demo: None) -> None:
    text = loader.accounts_text()
    assert "namgiang" in text and "Trưởng ban kiểm phiếu" in text
    tallied = Ballot.objects.filter(status=BallotStatus.TALLIED)
    # the conferences' five, and the provincial councils' three votes on the dossiers (demo/dossiers_loader)
    assert tallied.filter(conference__council_of=None).count() == 5 and tallied.count() == 8
    assert all(ballot_verify(b) == [] for b in Ballot.objects.filter(status=BallotStatus.TALLIED))
