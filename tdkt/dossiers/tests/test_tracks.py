"""The tracks file is checked on load, and every track has the steps its law asks for."""

from __future__ import annotations

import copy
import json

import pytest

from tdkt.awards.catalogue import CATALOGUE
from tdkt.dossiers import tracks as t


def _raw() -> dict:
    return json.loads(t.TRACKS_FILE.read_text(encoding="utf-8"))


def test_the_shipped_tracks_load() -> None:
    tracks = t.all_tracks()
    assert {"DV_DANH_HIEU", "CUM_DE_NGHI", "TINH_KHEN", "TRUNG_UONG_HUAN_CHUONG", "DOT_XUAT"} <= set(tracks)


def test_every_listed_title_is_in_the_engines_catalogue() -> None:
    for track in t.all_tracks().values():
        for code in track.titles:
            assert code in CATALOGUE, (track.code, code)


def test_orders_are_posted_for_ten_working_days_and_go_up() -> None:
    orders = t.track("TRUNG_UONG_HUAN_CHUONG")
    assert orders.needs_posting and orders.posting_days == 10
    assert orders.council and not orders.decides_at_receiver
    assert "Điều 46 khoản 2" in orders.citation


def test_a_cluster_proposal_carries_the_conference_minutes_and_the_vote() -> None:
    cluster = t.track("CUM_DE_NGHI")
    from_conference = {d.kind for d in cluster.documents if d.source == t.DOC_CONFERENCE}
    assert from_conference == {"bien_ban", "ket_qua_bo_phieu"}
    assert cluster.proposer == t.BY_CLUSTER and cluster.allows("CO_TINH") and not cluster.allows("LDTT")


def test_a_bad_file_is_refused_naming_every_problem() -> None:
    raw = _raw()
    bad = copy.deepcopy(raw["tracks"][0])
    bad["receiver"] = "ministry"
    bad["deadlines"] = {"receive": 0, "lunch": 2}
    bad["colour"] = "red"
    dup = copy.deepcopy(raw["tracks"][1])
    dup["code"] = raw["tracks"][2]["code"]
    with pytest.raises(t.TrackError) as info:
        t.parse_tracks({"tracks": [bad, raw["tracks"][2], dup]})
    problems = info.value.problems
    assert any("tracks[0]: khóa “colour” không được dùng" in p for p in problems)
    with pytest.raises(t.TrackError) as info:
        del bad["colour"]
        t.parse_tracks({"tracks": [bad, raw["tracks"][2], dup]})
    problems = info.value.problems
    assert any(p.startswith("tracks[0].receiver: “ministry”") for p in problems)
    assert any("tracks[0].deadlines: bước “lunch”" in p for p in problems)
    assert any("tracks[0].deadlines.receive" in p for p in problems)
    assert any("tracks[2].code: mã" in p and "bị trùng" in p for p in problems)


def test_a_unit_cannot_decide_what_the_province_decides_on_its_own_council() -> None:
    raw = _raw()
    item = copy.deepcopy(raw["tracks"][0])
    item["decider"] = "province"
    with pytest.raises(t.TrackError) as info:
        t.parse_tracks({"tracks": [item]})
    assert "chỉ do thủ trưởng đơn vị quyết định" in info.value.problems[0]
