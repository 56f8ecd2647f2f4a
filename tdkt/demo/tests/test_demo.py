from decimal import Decimal

import pytest

from tdkt.clusters.models import ClusterRole, ClusterYear
from tdkt.clusters.scopes import PUBLIC
from tdkt.demo import loader
from tdkt.movements.selectors import cluster_year_dashboard
from tdkt.org.models import Unit
from tdkt.org.selectors import unit_history_ids


@pytest.fixture
def demo(db: None) -> None:
    loader.load()


def _cell(dashboard, unit_code: str, indicator_code: str):  # type: ignore[no-untyped-def]
    row = next(r for r in dashboard.rows if r.unit.code == unit_code)
    return next(c for c in row.cells if c.indicator.code == indicator_code)


def test_the_public_sees_the_seed_figures_of_quang_nam_2024(demo: None) -> None:
    cy = ClusterYear.objects.get(cluster__code="CTD-MN-QNA", year=2024)
    board = cluster_year_dashboard(cluster_year=cy, period="year_end", viewer=PUBLIC)
    assert len(board.rows) == 9
    cell = _cell(board, "QNA-NTM", "THU-DT")
    assert cell.value is not None and cell.value.value == Decimal("127.04") and not cell.value.illustrative
    assert cell.primary is not None and cell.primary.achievement is not None
    assert cell.primary.achievement.percent == Decimal("127.04")
    assert _cell(board, "QNA-NG", "NHA-TAM").value.value == Decimal(787)  # type: ignore[union-attr]
    assert _cell(board, "QNA-BTM", "GIAI-NGAN").value.value == Decimal("54.9")  # type: ignore[union-attr]
    assert _cell(board, "QNA-PS", "GIAI-NGAN").value.illustrative  # type: ignore[union-attr]


def test_seed_001_mid_year_revenue_percentages(demo: None) -> None:
    cy = ClusterYear.objects.get(cluster__code="CTD-MN-QNA", year=2023)
    board = cluster_year_dashboard(cluster_year=cy, period="mid_year", viewer=PUBLIC)
    ps = _cell(board, "QNA-PS", "THU-ND")
    by_basis = {t.basis: t.achievement.percent for t in ps.targets if t.achievement}
    assert by_basis == {"province": Decimal("96.00"), "council": Decimal("94.54")}
    assert ps.change is not None and ps.change.delta == Decimal(106202)
    dg = _cell(board, "QNA-DG", "THU-ND")
    assert dg.targets[0].achievement is not None and dg.targets[0].achievement.percent == Decimal("89.68")


def test_change_on_2023_is_read_from_the_previous_years_report(demo: None) -> None:
    cy = ClusterYear.objects.get(cluster__code="CTD-MN-QNA", year=2024)
    board = cluster_year_dashboard(cluster_year=cy, period="year_end", viewer=PUBLIC)
    cell = _cell(board, "QNA-NG", "NHA-TAM")
    assert cell.prior == Decimal(630) and "2023" in cell.prior_source


def test_quang_binh_2024_head_and_deputy_from_seed_002(demo: None) -> None:
    roles = {
        r.role: r.unit.code
        for r in ClusterRole.objects.filter(
            cluster_year__cluster__code="CTD-HTT-QBH", cluster_year__year=2024
        )
    }
    assert roles == {"head": "QBH-MH", "deputy": "QBH-TH"}


def test_the_2025_reform_merges_provinces_and_communes_with_history(demo: None) -> None:
    da_nang = Unit.objects.get(code="DNG")
    history = set(Unit.objects.filter(pk__in=unit_history_ids(da_nang)).values_list("code", flat=True))
    assert history == {"DNG", "DNG-CU", "QNA"}
    assert set(
        Unit.objects.filter(pk__in=unit_history_ids(Unit.objects.get(code="DNG-KD"))).values_list(
            "code", flat=True
        )
    ) == {"DNG-KD", "QNA-PS-KD", "QNA-PS-PX"}


def test_loading_twice_is_refused_by_the_command(demo: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo_load", stdout=out)
    assert "đã có sẵn" in out.getvalue()
    assert "tienphuoc" in out.getvalue()


def test_the_conferences_honour_and_elect_as_the_seeds_report(demo: None) -> None:
    from tdkt.voting.models import Ballot

    qb_flag = Ballot.objects.get(conference__cluster_year__cluster__code="CTD-HTT-QBH", purpose="flag")
    assert sorted(qb_flag.result["elected"]) == ["Huyện Lệ Thủy", "Huyện Quảng Ninh", "Thành phố Đồng Hới"]
    qn_flag = Ballot.objects.get(conference__cluster_year__cluster__code="CTD-MN-QNA", purpose="flag")
    assert qn_flag.result["elected"] == ["Huyện Tiên Phước"]
    head = ClusterRole.objects.get(
        cluster_year__cluster__code="CTD-HTT-QBH", cluster_year__year=2024, role="head"
    )
    assert head.unit.code == "QBH-MH" and "Bầu Trưởng Cụm năm 2024" in head.reference
