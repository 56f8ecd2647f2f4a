"""The explained eligibility engine, rule by rule, at and around every threshold. No database."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tdkt.awards.engine import (
    apply_rounding,
    cstdcs_quota,
    evaluate,
    evaluate_title,
    gov_flag_quota,
)
from tdkt.awards.rulepacks import RulePackError
from tdkt.awards.subjects import (
    AwardRecord,
    DisciplineLevel,
    DisciplineRecord,
    InitiativeRecord,
    LeadershipRecord,
    MembersYear,
    PendingRecord,
    Rating,
    RatingRecord,
    Subject,
)
from tdkt.awards.verdicts import BARRED, ELIGIBLE, NOT_YET, Verdict

HTXS, HTT, HT = Rating.HTXSNV, Rating.HTTNV, Rating.HTNV


def person(
    ratings: dict[int, Rating] | None = None,
    awards: list[tuple[str, int]] | None = None,
    **kwargs: Any,
) -> Subject:
    """An official recruited long ago; `ratings` {cycle: rating}; `awards` [(title, cycle)]."""
    extra_awards = tuple(kwargs.pop("extra_awards", ()))
    return Subject(
        id=kwargs.pop("id", "p"),
        kind="individual",
        name=kwargs.pop("name", "Nguyễn Văn An"),
        recruited_on=kwargs.pop("recruited_on", date(2010, 1, 1)),
        ratings=tuple(RatingRecord(c, r) for c, r in (ratings or {}).items()),
        awards=tuple(AwardRecord(f"{t}-{c}", t, c) for t, c in (awards or [])) + extra_awards,
        **kwargs,
    )


def verdict(subject: Subject, title: str, cycle: int = 2025, **kwargs: Any) -> Verdict:
    found = evaluate_title(subject, cycle, title, **kwargs)
    assert found is not None, f"{title} does not apply"
    return found


def outcome(subject: Subject, title: str, cycle: int = 2025, **kwargs: Any) -> str:
    return verdict(subject, title, cycle, **kwargs).outcome


def failing(v: Verdict) -> list[str]:
    return [c.rule_id for c in v.checks if c.ok is False]


def years(first: int, last: int, rating: Rating = HTXS) -> dict[int, Rating]:
    return dict.fromkeys(range(first, last + 1), rating)


def initiative(iid: str, scope: str, cycle: int, used_by: str | None = None) -> InitiativeRecord:
    return InitiativeRecord(iid, f"Sáng kiến {iid}", scope, cycle, used_by=used_by)


# ------------------------------------------------------------------------------------------- LĐTT


def test_ldtt_needs_completed_well_or_better() -> None:
    assert outcome(person({2025: HTT}), "LDTT") == ELIGIBLE
    v = verdict(person({2025: HT}), "LDTT")
    assert v.outcome == NOT_YET
    assert "Cần xếp loại hoàn thành tốt nhiệm vụ trở lên năm 2025" in v.missing


def test_ldtt_without_a_rating_is_not_yet_and_says_so() -> None:
    v = verdict(person({}), "LDTT")
    assert v.outcome == NOT_YET
    assert "Chưa có kết quả xếp loại năm 2025" in v.checks[2].text


def test_ldtt_recruited_exactly_six_months_before_the_year_ends_counts() -> None:
    assert outcome(person({2025: HTT}, recruited_on=date(2025, 7, 1)), "LDTT") == ELIGIBLE
    v = verdict(person({2025: HTT}, recruited_on=date(2025, 7, 2)), "LDTT")
    assert v.outcome == NOT_YET
    assert failing(v) == ["LDTT_02"]
    assert "tuyển dụng từ ngày 01/07/2025 trở về trước" in v.missing[0]


def test_ldtt_recruitment_was_ten_months_under_decree_91() -> None:
    assert outcome(person({2023: HTT}, recruited_on=date(2023, 3, 1)), "LDTT", 2023) == ELIGIBLE
    v = verdict(person({2023: HTT}, recruited_on=date(2023, 3, 2)), "LDTT", 2023)
    assert v.outcome == NOT_YET and v.pack == "nd91-2017"
    # The same eight months are enough from 2024.
    assert outcome(person({2024: HTT}, recruited_on=date(2024, 5, 1)), "LDTT", 2024) == ELIGIBLE


def test_unknown_recruitment_date_is_left_to_the_council() -> None:
    v = verdict(person({2025: HTT}, recruited_on=None), "LDTT")
    assert v.outcome == ELIGIBLE
    check = next(c for c in v.checks if c.rule_id == "LDTT_02")
    assert check.ok is None and "Chưa có ngày tuyển dụng" in check.text


def test_solidarity_is_listed_for_the_council_not_invented() -> None:
    v = verdict(person({2025: HTT}), "LDTT")
    council = [c for c in v.checks if c.ok is None]
    assert len(council) == 1 and "cần Hội đồng Thi đua – Khen thưởng xác nhận" in council[0].text
    confirmed = verdict(person({2025: HTT}, flags=frozenset({"doan_ket"})), "LDTT")
    assert all(c.ok is True for c in confirmed.checks)


def test_armed_forces_get_cstt_instead_of_ldtt() -> None:
    soldier = person({2025: HTXS}, armed_forces=True)
    titles = [v.title for v in evaluate(soldier, 2025)]
    assert "CSTT" in titles and "LDTT" not in titles
    cstdcs = verdict(soldier, "CSTDCS")
    assert cstdcs.outcome == ELIGIBLE
    assert {"CSTT_01", "CSTT_02"} <= {c.rule_id for c in cstdcs.checks}


# ----------------------------------------------------------------------------------------- CSTĐCS


def test_cstdcs_by_excellent_completion() -> None:
    assert outcome(person({2025: HTXS}), "CSTDCS") == ELIGIBLE


def test_cstdcs_by_an_unused_grassroots_initiative() -> None:
    p = person({2025: HTT}, initiatives=(initiative("i1", "co_so", 2025),))
    assert outcome(p, "CSTDCS") == ELIGIBLE


def test_cstdcs_needs_excellence_or_an_initiative() -> None:
    v = verdict(person({2025: HTT}), "CSTDCS")
    assert v.outcome == NOT_YET
    assert "cách (1): Cần xếp loại hoàn thành xuất sắc nhiệm vụ năm 2025" in v.missing[0]
    assert "hoặc cách (2): Cần thêm 1 sáng kiến cấp cơ sở trở lên" in v.missing[0]


def test_an_initiative_of_last_year_does_not_make_this_years_cstdcs() -> None:
    p = person({2025: HTT}, initiatives=(initiative("i1", "co_so", 2024),))
    assert outcome(p, "CSTDCS") == NOT_YET


def test_an_initiative_already_used_serves_no_second_award() -> None:
    used = person(
        {2025: HTT},
        awards=[("GK", 2025)],
        initiatives=(initiative("i1", "co_so", 2025, used_by="GK-2025"),),
    )
    v = verdict(used, "CSTDCS")
    assert v.outcome == NOT_YET
    gen05 = next(c for c in v.checks if c.rule_id == "GEN_05")
    assert "đã dùng cho Giấy khen năm 2025" in gen05.text
    assert gen05.citation.startswith("Công văn 5007/BNV-TĐKT")


def test_an_initiative_listed_on_the_award_counts_as_used_too() -> None:
    award = AwardRecord("gk", "GK", 2025, initiative_ids=("i1",))
    p = person({2025: HTT}, extra_awards=[award], initiatives=(initiative("i1", "co_so", 2025),))
    assert outcome(p, "CSTDCS") == NOT_YET


def test_the_award_an_initiative_served_can_be_re_examined() -> None:
    p = person(
        {2025: HTT},
        awards=[("CSTDCS", 2025)],
        initiatives=(initiative("i1", "co_so", 2025, used_by="CSTDCS-2025"),),
    )
    assert outcome(p, "CSTDCS") == ELIGIBLE


def test_cstdcs_needed_an_initiative_before_2024() -> None:
    assert outcome(person({2023: HTXS}), "CSTDCS", 2023) == NOT_YET
    p = person({2023: HTT}, initiatives=(initiative("i1", "co_so", 2023),))
    assert outcome(p, "CSTDCS", 2023) == ELIGIBLE


# -------------------------------------------------------------------------------------- CSTĐ tỉnh


def cstd_candidate(cstdcs: list[int], **kwargs: Any) -> Subject:
    inits = kwargs.pop("initiatives", (initiative("t1", "bo_tinh", 2024),))
    return person(years(2018, 2025), [("CSTDCS", c) for c in cstdcs], initiatives=inits, **kwargs)


def test_cstd_tinh_with_three_consecutive_cstdcs() -> None:
    assert outcome(cstd_candidate([2023, 2024, 2025]), "CSTD_TINH") == ELIGIBLE


def test_cstd_tinh_with_two_says_which_year_is_missing() -> None:
    v = verdict(cstd_candidate([2023, 2024]), "CSTD_TINH")
    assert v.outcome == NOT_YET
    assert v.missing == ("Cần thêm 1 lần CSTĐCS liên tục: năm 2025",)


def test_cstd_tinh_a_gap_year_breaks_the_run() -> None:
    v = verdict(cstd_candidate([2022, 2024, 2025]), "CSTD_TINH")
    assert v.outcome == NOT_YET
    assert v.missing[0].startswith("Cần thêm 1 lần CSTĐCS liên tục: năm 2023 (năm 2023 đã qua")
    assert "sớm nhất đủ 3 lần liên tục vào năm 2026" in v.missing[0]


def test_cstd_tinh_needs_a_provincial_initiative() -> None:
    grassroots = cstd_candidate([2023, 2024, 2025], initiatives=(initiative("c", "co_so", 2024),))
    assert failing(verdict(grassroots, "CSTD_TINH")) == ["CSTDT_02"]
    national = cstd_candidate([2023, 2024, 2025], initiatives=(initiative("n", "toan_quoc", 2023),))
    assert outcome(national, "CSTD_TINH") == ELIGIBLE
    too_old = cstd_candidate([2023, 2024, 2025], initiatives=(initiative("o", "bo_tinh", 2022),))
    assert outcome(too_old, "CSTD_TINH") == NOT_YET


def test_cstd_tinh_is_not_proposed_again_on_the_same_years() -> None:
    again = cstd_candidate(
        [2021, 2022, 2023, 2024, 2025],
        extra_awards=[AwardRecord("t23", "CSTD_TINH", 2023)],
    )
    v = verdict(again, "CSTD_TINH")
    assert failing(v) == ["GEN_09"]
    assert "Sớm nhất xét lại CSTĐ tỉnh vào năm 2026" in v.missing
    assert next(c for c in v.checks if c.rule_id == "GEN_09").unverified


# ------------------------------------------------------------------------------------------ CSTĐTQ


def national_candidate(tinh: list[int], scope: str = "toan_quoc") -> Subject:
    return person(
        years(2015, 2025),
        [("CSTD_TINH", c) for c in tinh],
        initiatives=(initiative("q", scope, 2024),),
    )


def test_cstdtq_two_consecutive_provincial_titles_three_years_apart() -> None:
    assert outcome(national_candidate([2022, 2025]), "CSTDTQ") == ELIGIBLE
    assert outcome(national_candidate([2021, 2024]), "CSTDTQ") == ELIGIBLE  # proposed the year after
    assert outcome(national_candidate([2020, 2023]), "CSTDTQ") == NOT_YET
    assert outcome(national_candidate([2019, 2025]), "CSTDTQ") == NOT_YET  # a missed cycle between


def test_cstdtq_needs_a_national_initiative() -> None:
    assert failing(verdict(national_candidate([2022, 2025], "bo_tinh"), "CSTDTQ")) == ["CSTDTQ_02"]


# -------------------------------------------------------------------------------------- BK tỉnh


def test_bk_tinh_two_consecutive_cstdcs() -> None:
    assert (
        outcome(person(years(2024, 2025, HTT), [("CSTDCS", 2024), ("CSTDCS", 2025)]), "BK_TINH") == ELIGIBLE
    )
    assert outcome(person(years(2024, 2025, HTT), [("CSTDCS", 2023), ("CSTDCS", 2025)]), "BK_TINH") == NOT_YET


def test_bk_tinh_two_excellent_years_and_two_unused_initiatives() -> None:
    two = (initiative("a", "co_so", 2024), initiative("b", "co_so", 2025))
    assert outcome(person(years(2024, 2025), initiatives=two), "BK_TINH") == ELIGIBLE
    one = (initiative("a", "co_so", 2024),)
    assert outcome(person(years(2024, 2025), initiatives=one), "BK_TINH") == NOT_YET
    one_good_year = person({2024: HTT, 2025: HTXS}, initiatives=two)
    assert outcome(one_good_year, "BK_TINH") == NOT_YET


def test_bk_tinh_initiatives_that_won_a_cstdcs_cannot_count_again() -> None:
    # MoHA: a CSTĐCS won on initiatives does not lend them to the Bằng khen; two more are needed.
    reused = person(
        years(2024, 2025),
        [("CSTDCS", 2024)],
        initiatives=(initiative("a", "co_so", 2024, used_by="CSTDCS-2024"), initiative("b", "co_so", 2025)),
    )
    assert outcome(reused, "BK_TINH") == NOT_YET


def test_bk_tinh_council_route_stands_in_for_the_record_route() -> None:
    p = person({2025: HTT}, flags=frozenset({"thanh_tich_74_1_abc"}))
    v = verdict(p, "BK_TINH")
    assert v.outcome == ELIGIBLE
    assert "BKTINH_01" in failing(v)  # shown, but replaced by BKTINH_02
    assert outcome(person({2025: HTT}), "BK_TINH") == NOT_YET  # unconfirmed: no rescue


# ------------------------------------------------------------------------------- BK Thủ tướng


def bk_ttg(
    bk_year: int = 2020, ratings: dict[int, Rating] | None = None, cstdcs: int = 3, **kw: Any
) -> Subject:
    return person(
        ratings or years(2021, 2025, HTT),
        [("BK_TINH", bk_year)] + [("CSTDCS", c) for c in range(2025, 2025 - cstdcs, -1)],
        **kw,
    )


def test_bk_ttg_bk_tinh_then_five_good_years_with_three_cstdcs() -> None:
    assert outcome(bk_ttg(), "BK_TTG") == ELIGIBLE


def test_bk_ttg_four_good_years_are_not_five() -> None:
    v = verdict(bk_ttg(ratings={2021: HT, **years(2022, 2025, HTT)}), "BK_TTG")
    assert v.outcome == NOT_YET
    assert "Cần xếp loại hoàn thành tốt nhiệm vụ trở lên ở năm 2021" in v.missing


def test_bk_ttg_two_cstdcs_are_not_three() -> None:
    assert failing(verdict(bk_ttg(cstdcs=2), "BK_TTG")) == ["BKTTg_01"]


def test_bk_ttg_the_bk_tinh_must_come_before_the_five_years() -> None:
    assert outcome(bk_ttg(bk_year=2021), "BK_TTG") == NOT_YET


def test_bk_ttg_an_unexpected_achievement_award_is_no_basis() -> None:
    p = person(
        years(2021, 2025, HTT),
        [("CSTDCS", c) for c in (2023, 2024, 2025)],
        extra_awards=[AwardRecord("dx", "BK_TINH", 2019, kind="dot_xuat", decision_no="77/QĐ-UBND")],
    )
    v = verdict(p, "BK_TTG")
    assert v.outcome == NOT_YET
    gen03 = next(c for c in v.checks if c.rule_id == "GEN_03")
    assert "khen thưởng đột xuất không làm căn cứ" in gen03.text


# --------------------------------------------------------------------------------------- HCLĐ


def test_hcld3_law_2022_needs_five_good_years_with_one_excellent_and_three_cstdcs() -> None:
    # Regression (Law 2022 Art. 44.1.e, verified): the pack used to ask for five excellent years and two
    # grassroots initiatives; the article asks for five years "completed well" or better, at least one of
    # them excellent, and three CSTĐCS titles in that time.
    ratings = {**years(2021, 2025, HTT), 2024: HTXS}
    cstdcs = [("CSTDCS", 2022), ("CSTDCS", 2023), ("CSTDCS", 2025)]
    v = verdict(person(ratings, [("BK_TTG", 2019), *cstdcs]), "HCLD3")
    assert v.outcome == ELIGIBLE
    hcld3 = [c for c in v.checks if c.rule_id == "HCLD3_02"]
    assert len(hcld3) == 4 and not any(c.unverified for c in hcld3)
    assert "Điều 44 khoản 1 điểm e" in hcld3[0].citation
    # GEN_09 stays unverified: only its own check carries the flag.
    assert [c.rule_id for c in v.checks if c.unverified] == ["GEN_09"]
    # The old shape — five excellent years, two grassroots initiatives, no CSTĐCS — no longer qualifies.
    old = person(
        years(2021, 2025),
        [("BK_TTG", 2019)],
        initiatives=(initiative("a", "co_so", 2022), initiative("b", "co_so", 2024)),
    )
    assert failing(verdict(old, "HCLD3")) == ["HCLD3_02"]
    # Three CSTĐCS but no excellent year: one year "hoàn thành xuất sắc" is missing.
    plain = verdict(person(years(2021, 2025, HTT), [("BK_TTG", 2019), *cstdcs]), "HCLD3")
    assert plain.outcome == NOT_YET
    assert any("Cần thêm 1 năm xếp loại" in m for m in plain.missing)


def test_hcld3_decree_91_needs_initiatives_of_ministry_or_province_scope() -> None:
    # Regression (Decree 91/2017 Art. 24, verified): the two initiatives must have ministry- or
    # province-wide influence, recognised there; grassroots initiatives no longer count.
    grassroots = (initiative("a", "co_so", 2020), initiative("b", "co_so", 2022))
    wide = (initiative("a", "bo_tinh", 2020), initiative("b", "bo_tinh", 2022))
    base = years(2019, 2023)
    assert outcome(person(base, [("BK_TTG", 2017)], initiatives=grassroots), "HCLD3", 2023) == NOT_YET
    v = verdict(person(base, [("BK_TTG", 2017)], initiatives=wide), "HCLD3", 2023)
    assert v.outcome == ELIGIBLE and v.pack == "nd91-2017"


# --------------------------------------------------------------------------------- collectives


def collective(ldtt: int, members: int = 100, rating: Rating = HTXS, **kw: Any) -> Subject:
    row = MembersYear(
        cycle=kw.pop("cycle", 2025),
        members=members,
        completed=kw.pop("completed", members),
        ldtt=ldtt,
        cstdcs=kw.pop("cstdcs", 1),
        disciplined_warning_or_above=kw.pop("disciplined", 0),
    )
    return Subject(
        id="tt",
        kind="collective",
        name="Phòng Văn hóa – Xã hội",
        ratings=(RatingRecord(row.cycle, rating),),
        members=(row,),
        **kw,
    )


def test_ttldtt_69_percent_is_not_70() -> None:
    v = verdict(collective(69), "TTLDTT")
    assert v.outcome == NOT_YET
    assert v.missing == ("Cần ít nhất 70/100 thành viên đạt Lao động tiên tiến (thêm 1)",)
    assert outcome(collective(70), "TTLDTT") == ELIGIBLE
    assert outcome(collective(7, members=10), "TTLDTT") == ELIGIBLE


def test_shares_are_exact_not_rounded() -> None:
    assert outcome(collective(6999, members=10000), "TTLDTT") == NOT_YET
    assert outcome(collective(7000, members=10000), "TTLDTT") == ELIGIBLE
    assert outcome(collective(9, members=13), "TTLDTT") == NOT_YET  # 69,23 %


def test_ttldtt_no_member_disciplined_at_warning_or_above() -> None:
    v = verdict(collective(80, disciplined=1), "TTLDTT")
    assert v.outcome == NOT_YET and failing(v) == ["TTLDTT_01"]


def test_ttldtt_needed_more_than_half_before_2024() -> None:
    assert outcome(collective(50, cycle=2023), "TTLDTT", 2023) == NOT_YET
    assert outcome(collective(51, cycle=2023), "TTLDTT", 2023) == ELIGIBLE
    assert outcome(collective(51, cycle=2024), "TTLDTT", 2024) == NOT_YET


def test_ttldxs_thresholds() -> None:
    assert outcome(collective(70), "TTLDXS") == ELIGIBLE
    assert outcome(collective(70, completed=99), "TTLDXS") == NOT_YET
    assert outcome(collective(70, cstdcs=0), "TTLDXS") == NOT_YET
    assert outcome(collective(69), "TTLDXS") == NOT_YET
    assert outcome(collective(90, rating=HTT), "TTLDXS") == NOT_YET


def test_ttldxs_no_discipline_clause_is_old_law_and_can_be_switched_on() -> None:
    # TTLĐXS of the 2022 Law reads no warning-level discipline clause: TTLDXS_02 is off (still TTLĐTT's).
    assert outcome(collective(80, disciplined=1), "TTLDXS") == ELIGIBLE
    assert outcome(collective(80, disciplined=1, cycle=2023), "TTLDXS", 2023) == NOT_YET
    on = {"TTLDXS_02": {"enabled": True}}
    assert outcome(collective(80, disciplined=1), "TTLDXS", overrides=on) == NOT_YET


def test_an_armed_forces_collective_is_judged_for_dvtt_and_dvqt_on_the_same_conditions() -> None:
    # Law 2022 Art. 27–28: Đơn vị tiên tiến / Đơn vị quyết thắng are TTLĐTT / TTLĐXS in the armed forces
    titles = [v.title for v in evaluate(collective(80, armed_forces=True), 2025)]
    assert "DVTT" in titles and "DVQT" in titles
    assert "TTLDTT" not in titles and "TTLDXS" not in titles
    civilian = [v.title for v in evaluate(collective(80), 2025)]
    assert "TTLDTT" in civilian and "DVTT" not in civilian and "DVQT" not in civilian
    v = verdict(collective(69, armed_forces=True), "DVTT")
    assert v.outcome == NOT_YET and failing(v) == ["DVTT_01"]
    assert v.missing == ("Cần ít nhất 70/100 thành viên đạt Chiến sĩ tiên tiến (thêm 1)",)
    assert outcome(collective(70, armed_forces=True), "DVTT") == ELIGIBLE
    assert outcome(collective(50, cycle=2023, armed_forces=True), "DVTT", 2023) == NOT_YET
    assert outcome(collective(51, cycle=2023, armed_forces=True), "DVTT", 2023) == ELIGIBLE
    assert outcome(collective(70, armed_forces=True), "DVQT") == ELIGIBLE
    assert outcome(collective(70, cstdcs=0, armed_forces=True), "DVQT") == NOT_YET
    assert outcome(collective(90, rating=HTT, armed_forces=True), "DVQT") == NOT_YET


def test_a_dvqt_counts_where_a_ttldxs_is_asked_and_back() -> None:
    # BK_TTG of a collective: BK_TINH, then five years of HTTNV with two TTLĐXS (ĐVQT in the armed forces)
    def unit(title: str, armed: bool) -> Subject:
        return Subject(
            id="ca",
            kind="collective",
            name="Phòng Cảnh sát giao thông",
            armed_forces=armed,
            flags=frozenset({"doan_ket"}),
            ratings=tuple(RatingRecord(c, HTXS) for c in range(2021, 2026)),
            awards=(
                AwardRecord("bk", "BK_TINH", 2020, "15/QĐ-UBND"),
                AwardRecord("a", title, 2022, "22/QĐ-BCA"),
                AwardRecord("b", title, 2024, "24/QĐ-BCA"),
            ),
        )

    for title in ("DVQT", "TTLDXS"):
        for armed in (True, False):
            v = verdict(unit(title, armed), "BK_TTG")
            assert v.outcome == ELIGIBLE, (title, armed, failing(v))
            evidence = [e for c in v.checks for e in c.evidence]
            assert any("22/QĐ-BCA" in e for e in evidence)
            window = next(c for c in v.checks if c.text.startswith("Đạt một trong các cách"))
            assert ("2 lần ĐVQT" if armed else "2 lần TTLĐXS") in window.text, window.text
    one = Subject(
        id="ca",
        kind="collective",
        name="Phòng Cảnh sát giao thông",
        armed_forces=True,
        ratings=tuple(RatingRecord(c, HTXS) for c in range(2021, 2026)),
        awards=(
            AwardRecord("bk", "BK_TINH", 2020, "15/QĐ-UBND"),
            AwardRecord("a", "DVQT", 2022, "22/QĐ-BCA"),
        ),
    )
    assert outcome(one, "BK_TTG") == NOT_YET


def test_a_collective_without_member_figures_is_told_what_is_missing() -> None:
    empty = Subject(id="c", kind="collective", name="Tổ", ratings=(RatingRecord(2025, HTXS),))
    assert "Cần số liệu thành viên năm 2025" in verdict(empty, "TTLDTT").missing


def leader(cycle: int = 2025, organiser: str = "province", **kw: Any) -> Subject:
    return Subject(
        id="x",
        kind="commune",
        name="Phường Đồng Hới",
        ratings=(RatingRecord(2025, HTXS),),
        leads=(LeadershipRecord(cycle, "Cụm thi đua số 1", organiser),),
        **kw,
    )


def test_co_tinh_for_the_leader_of_its_cluster() -> None:
    v = verdict(leader(), "CO_TINH")
    assert v.outcome == ELIGIBLE
    assert "Dẫn đầu Cụm thi đua số 1 năm 2025" in v.checks[2].text
    assert outcome(leader(cycle=2024), "CO_TINH") == NOT_YET
    assert outcome(leader(organiser="central"), "CO_TINH") == NOT_YET
    thematic = leader(cycle=2024, flags=frozenset({"dan_dau_phong_trao_chuyen_de"}))
    assert outcome(thematic, "CO_TINH") == ELIGIBLE


def test_co_cp_among_the_leaders() -> None:
    assert outcome(leader(), "CO_CP") == ELIGIBLE
    assert outcome(leader(organiser="central"), "CO_CP") == ELIGIBLE
    quota_note = next(c for c in verdict(leader(), "CO_CP").checks if c.rule_id == "COCP_02")
    assert quota_note.ok is None and "20%" in quota_note.text


def test_a_commune_merged_in_2025_carries_its_predecessors_history() -> None:
    before = "Phường Hải Đình, trước sắp xếp 01/07/2025"
    merged = Subject(
        id="px",
        kind="commune",
        name="Phường Đồng Hới",
        ratings=(*tuple(RatingRecord(c, HTXS, before) for c in range(2021, 2025)), RatingRecord(2025, HTXS)),
        awards=(
            AwardRecord("bk", "BK_TINH", 2020, "1520/QĐ-UBND", date(2021, 1, 25), source=before),
            AwardRecord("co", "CO_TINH", 2022, "210/QĐ-UBND", source=before),
        ),
        leads=(LeadershipRecord(2025, "Cụm thi đua số 1", "province"),),
    )
    v = verdict(merged, "BK_TTG")
    assert v.outcome == ELIGIBLE
    evidence = [e for c in v.checks for e in c.evidence]
    assert any("1520/QĐ-UBND" in e and before in e for e in evidence)
    assert any(e.startswith("Xếp loại năm 2021") and before in e for e in evidence)
    without_history = Subject(
        id="px", kind="commune", name="Phường Đồng Hới", ratings=(RatingRecord(2025, HTXS),)
    )
    assert outcome(without_history, "BK_TTG") == NOT_YET


def test_xa_tieu_bieu_did_not_exist_before_2024() -> None:
    commune = leader(cycle=2023)
    assert evaluate_title(commune, 2023, "XA_TIEU_BIEU") is None
    assert outcome(leader(cycle=2024, organiser="district"), "XA_TIEU_BIEU", 2024) == ELIGIBLE
    assert outcome(leader(organiser="district"), "XA_TIEU_BIEU") == NOT_YET  # no districts after 07/2025


def test_household_and_village_titles_are_for_the_council() -> None:
    household = Subject(id="h", kind="household", name="Hộ ông Sơn")
    v = verdict(household, "GDVH")
    assert v.outcome == ELIGIBLE and all(c.ok in (True, None) for c in v.checks)
    village = Subject(id="v", kind="village", name="Thôn Phú Hội")
    assert [x.title for x in evaluate(village, 2025)] == ["THON_VH"]


def test_titles_follow_the_kind_of_subject() -> None:
    assert [v.title for v in evaluate(person({2025: HTT}), 2025)] == [
        "LDTT",
        "CSTDCS",
        "CSTD_TINH",
        "CSTDTQ",
        "BK_TINH",
        "BK_TTG",
        "GK",
        "HCLD3",
    ]
    assert [v.title for v in evaluate(person({2025: HTT}), 2025, titles=["CSTDCS", "TTLDTT"])] == ["CSTDCS"]


# -------------------------------------------------------------------------- GEN_01 and GEN_02


def test_an_open_review_bars_every_award() -> None:
    p = person({2025: HTXS}, pending=(PendingRecord("thanh_tra", date(2025, 11, 10)),))
    v = verdict(p, "LDTT")
    assert v.outcome == BARRED
    assert v.missing[0] == "Chờ kết thúc việc thanh tra và có kết luận"
    assert {x.outcome for x in evaluate(p, 2025)} == {BARRED}


def test_a_review_bars_only_while_it_is_open_on_the_evaluation_day() -> None:
    closed = PendingRecord("kiem_tra", date(2025, 3, 1), date(2025, 4, 30))
    assert outcome(person({2025: HTXS}, pending=(closed,)), "LDTT") == ELIGIBLE
    assert outcome(person({2025: HTXS}, pending=(closed,)), "LDTT", on=date(2025, 4, 30)) == BARRED
    later = PendingRecord("khieu_nai", date(2026, 1, 5))
    assert outcome(person({2025: HTXS}, pending=(later,)), "LDTT") == ELIGIBLE
    assert outcome(person({2025: HTXS}, pending=(later,)), "LDTT", on=date(2026, 1, 15)) == BARRED


def reprimand(start: date, end: date) -> DisciplineRecord:
    return DisciplineRecord(DisciplineLevel.KHIEN_TRACH, start, end, "45/QĐ-UBND")


def test_a_discipline_ending_mid_year_takes_the_whole_year() -> None:
    p = person(years(2023, 2026), disciplines=(reprimand(date(2025, 1, 1), date(2025, 6, 30)),))
    v = verdict(p, "LDTT")
    assert v.outcome == BARRED
    assert "thành tích chỉ được tính từ ngày 01/07/2025" in v.checks[1].text
    assert "Sớm nhất xét lại từ năm 2026" in v.missing
    assert outcome(p, "LDTT", 2026) == ELIGIBLE


def test_a_discipline_ending_on_new_years_eve_leaves_the_next_year_whole() -> None:
    ends_2024 = person(years(2024, 2025), disciplines=(reprimand(date(2024, 7, 1), date(2024, 12, 31)),))
    assert outcome(ends_2024, "LDTT") == ELIGIBLE
    ends_new_year = person(years(2024, 2025), disciplines=(reprimand(date(2024, 7, 1), date(2025, 1, 1)),))
    assert outcome(ends_new_year, "LDTT") == BARRED


def test_discipline_restarts_the_clock_for_runs_of_titles() -> None:
    p = cstd_candidate(
        [2022, 2023, 2025],
        initiatives=(initiative("t", "bo_tinh", 2025),),
        disciplines=(reprimand(date(2024, 1, 15), date(2024, 7, 14)),),
    )
    assert outcome(p, "LDTT") == ELIGIBLE
    v = verdict(p, "CSTD_TINH")
    assert v.outcome == NOT_YET
    streak = next(c for c in v.checks if c.rule_id == "CSTDT_01")
    assert "không được tính vì thành tích chỉ tính sau khi hết thời hạn kỷ luật, từ năm 2025" in streak.text


def test_a_discipline_decided_after_the_evaluation_day_is_not_yet_known() -> None:
    later = person({2025: HTXS}, disciplines=(reprimand(date(2026, 2, 1), date(2026, 7, 31)),))
    assert outcome(later, "LDTT") == ELIGIBLE
    assert outcome(later, "LDTT", on=date(2026, 2, 1)) == BARRED


# ------------------------------------------------------------------------------- school years


def test_school_years_count_consecutively_and_date_the_discipline_by_school_year() -> None:
    teacher = person(
        years(2022, 2024),
        [("CSTDCS", c) for c in (2022, 2023, 2024)],
        initiatives=(initiative("t", "bo_tinh", 2024),),
        cycle_kind="school",
    )
    v = verdict(teacher, "CSTD_TINH", 2024)
    assert v.outcome == ELIGIBLE and v.cycle_kind == "school" and v.pack == "nd152-2025"
    assert (
        "năm học 2022–2023, 2023–2024, 2024–2025" in next(c for c in v.checks if c.rule_id == "CSTDT_01").text
    )
    ends_august = DisciplineRecord(DisciplineLevel.KHIEN_TRACH, date(2024, 3, 1), date(2024, 8, 31))
    assert (
        outcome(person({2024: HTT}, cycle_kind="school", disciplines=(ends_august,)), "LDTT", 2024)
        == ELIGIBLE
    )
    ends_september = DisciplineRecord(DisciplineLevel.KHIEN_TRACH, date(2024, 3, 1), date(2024, 9, 1))
    assert (
        outcome(person({2024: HTT}, cycle_kind="school", disciplines=(ends_september,)), "LDTT", 2024)
        == BARRED
    )


# --------------------------------------------------------------------------------- pack switch


def test_the_pack_switches_at_new_year_2024() -> None:
    p = person({2023: HTXS, 2024: HTXS})
    assert verdict(p, "CSTDCS", 2023).pack == "nd91-2017"
    assert verdict(p, "CSTDCS", 2023).outcome == NOT_YET  # the old law wanted an initiative
    assert verdict(p, "CSTDCS", 2024).pack == "luat2022-nd98-2023"
    assert verdict(p, "CSTDCS", 2024).outcome == ELIGIBLE


def test_the_pack_switches_on_1_july_2025() -> None:
    p = person({2024: HTT, 2025: HTT})
    assert verdict(p, "LDTT", 2024).pack == "luat2022-nd98-2023"
    assert verdict(p, "LDTT", 2025).pack == "nd152-2025"  # the calendar year 2025 ends under ND 152
    ldtt_02 = next(c for c in verdict(p, "LDTT", 2025).checks if c.rule_id == "LDTT_02")
    assert ldtt_02.unverified  # TT 15/2025 not yet checked


def test_a_pack_can_be_forced() -> None:
    assert verdict(person({2025: HTT}), "LDTT", pack="luat2022-nd98-2023").pack == "luat2022-nd98-2023"


# ----------------------------------------------------------------------------------- overrides


def test_overrides_change_a_threshold() -> None:
    assert outcome(collective(65), "TTLDTT", overrides={"TTLDTT_01": {"min_share": "65%"}}) == ELIGIBLE
    assert (
        outcome(
            person({2025: HTT}, recruited_on=date(2025, 10, 1)), "LDTT", overrides={"LDTT_02": {"months": 3}}
        )
        == ELIGIBLE
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"TTLDTT_01": {"min_share": "1.5"}}, "lớn hơn mức cao nhất cho phép 1/1"),
        ({"TTLDTT_01": {"min_share": "bảy mươi"}}, "không hợp lệ, cần một tỷ lệ"),
        ({"TTLDTT_01": {"share": "70%"}}, "không có tham số “share”"),
        ({"TTLDTT_99": {"min_share": "70%"}}, "overrides.TTLDTT_99: không có quy tắc này"),
        ({"LDTT_02": {"months": -1}}, "nhỏ hơn mức thấp nhất cho phép 0"),
        ({"CSTDCS_02": {"enabled": "có"}}, "cần true hoặc false"),
    ],
)
def test_bad_overrides_are_refused_in_vietnamese(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(RulePackError, match=message):
        evaluate(person({2025: HTT}), 2025, overrides=overrides)


# -------------------------------------------------------------------------------------- quotas


def test_cstdcs_cap_is_on_under_decree_91_and_rounds_down() -> None:
    q = cstdcs_quota(unit="Sở Nội vụ", ldtt_count=20, candidates=list("ABCDE"), cycle=2023)
    assert q.enabled and q.limit == 3 and q.within == ("A", "B", "C") and q.over == ("D", "E")
    assert "15% × 20 = 3,00 → tối đa 3 (làm tròn xuống)" in q.text
    assert cstdcs_quota(unit="Sở", ldtt_count=19, candidates=[], cycle=2023).limit == 2  # 2,85


def test_a_quota_exceeded_names_the_tie_break_in_words_not_by_rule_id() -> None:
    """Regression: the note ended "(ngang nhau thì ưu tiên nữ, GEN_06)", a rule id on the candidates page."""
    q = cstdcs_quota(unit="Sở Nội vụ", ldtt_count=20, candidates=list("ABCDE"), cycle=2023)
    assert "ưu tiên nữ, theo Điều 4 Nghị định 98/2023/NĐ-CP" in q.text and "GEN_06" not in q.text


def test_cstdcs_cap_is_off_by_default_from_2024_and_can_be_switched_on() -> None:
    off = cstdcs_quota(unit="Sở Nội vụ", ldtt_count=20, candidates=list("ABCDE"), cycle=2025)
    assert not off.enabled and off.limit is None and off.within == tuple("ABCDE")
    assert "có thể bật ở trang Tham số quy tắc, mục “Áp dụng trần”" in off.text and off.unverified
    assert "CSTDCS_02" not in off.text  # the rule id travels in attributes only
    on = cstdcs_quota(
        unit="Sở Nội vụ",
        ldtt_count=20,
        candidates=list("ABCDE"),
        cycle=2025,
        overrides={"CSTDCS_02": {"enabled": True, "cap": "10%", "rounding": "ceil"}},
    )
    assert on.limit == 2


@pytest.mark.parametrize(
    ("leaders", "rounding", "limit"),
    [
        (4, "floor", 0),
        (5, "floor", 1),
        (9, "floor", 1),
        (10, "floor", 2),
        (12, "floor", 2),
        (4, "ceil", 1),
        (12, "half_up", 2),
        (13, "half_up", 3),
    ],
)
def test_government_flag_quota_is_20_percent_of_cluster_leaders(
    leaders: int, rounding: str, limit: int
) -> None:
    names = [f"Đơn vị {i}" for i in range(leaders)]
    q = gov_flag_quota(leaders=names, cycle=2025, overrides={"COCP_02": {"rounding": rounding}})
    assert q.limit == limit and len(q.within) == limit
    if leaders == 4 and rounding == "floor":
        assert "cần ít nhất 5 để được đề nghị 1" in q.text


def test_government_flag_quota_counts_every_leader_in_the_province() -> None:
    q = gov_flag_quota(leaders=["Phường Đồng Hới"], leaders_total=12, cycle=2025)
    assert q.base == 12 and q.limit == 2 and q.within == ("Phường Đồng Hới",)


def test_rounding_rules() -> None:
    from fractions import Fraction

    assert [apply_rounding(Fraction(5, 2), r) for r in ("floor", "ceil", "half_up")] == [2, 3, 3]
    assert [apply_rounding(Fraction(12, 5), r) for r in ("floor", "ceil", "half_up")] == [2, 3, 2]


# --------------------------------------------------------------------------------- explanation


def test_every_check_carries_a_citation_and_a_tag() -> None:
    p = cstd_candidate([2023, 2024])
    for v in evaluate(p, 2025):
        for c in v.checks:
            assert c.citation and c.tag in ("V", "V-old", "V-2nd", "R")
            assert c.text
            if c.ok is False:
                assert c.missing


def test_evidence_names_the_decision() -> None:
    award = AwardRecord("a", "CSTDCS", 2023, "12/QĐ-UBND", date(2024, 1, 5), "Chủ tịch UBND xã Hải Đình")
    p = person(years(2023, 2025), extra_awards=[award, AwardRecord("b", "CSTDCS", 2024)])
    v = verdict(p, "CSTD_TINH")
    streak = next(c for c in v.checks if c.rule_id == "CSTDT_01")
    assert (
        streak.evidence[0] == "CSTĐCS năm 2023 — QĐ số 12/QĐ-UBND ngày 05/01/2024 (Chủ tịch UBND xã Hải Đình)"
    )
