"""A small world for tests, with the personas every page and endpoint is tested as.

- board:    the provincial emulation board (sees and does everything)
- head:     staff of Phước Sơn, head of the mountain cluster in 2024 (manages that cluster-year)
- member:   staff of Tiên Phước, a member of the same cluster (their own unit only)
- outsider: staff of Điện Bàn, in another cluster (gets 404 on the mountain cluster's drafts)
- public:   not logged in (published data only)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from tdkt.clusters.models import Cluster, ClusterRoleKind, ClusterYear, RoleBasis, RotationPolicy
from tdkt.clusters.services import cluster_create, cluster_role_set, cluster_year_create
from tdkt.movements.models import Direction, Indicator, IndicatorKind, Period, Report, TargetBasis
from tdkt.movements.services import (
    ValueInput,
    cluster_indicators_set,
    report_get_or_create,
    report_values_set,
    target_set,
)
from tdkt.org.models import Account, Role, Unit, UnitKind
from tdkt.org.services import unit_create

PASSWORD = "matkhau-thu-nghiem-2024"

# A small criteria set for the test world: two computed criteria and one judged, 30 points.
SCORING_CRITERIA: list[dict[str, Any]] = [
    {
        "code": "I",
        "name": "Kinh tế",
        "max_points": "20",
        "children": [
            {
                "code": "I.1",
                "name": "Giải ngân",
                "max_points": "10",
                "method": {"type": "ratio", "indicator": "T-GN"},
            },
            {
                "code": "I.2",
                "name": "Thu ngân sách",
                "max_points": "10",
                "method": {"type": "achieved", "indicator": "T-THU"},
            },
        ],
    },
    {
        "code": "II",
        "name": "Thi đua",
        "max_points": "10",
        "children": [
            {"code": "II.1", "name": "Phong trào", "max_points": "10", "method": {"type": "judged"}}
        ],
    },
]
SCORING_RULES: dict[str, Any] = {
    "final_rule": "appraisal_else_mean",
    "discrepancy_gap": "2",
    "tie_breaks": ["group:I"],
    "leaders": 1,
    "robustness": {"perturbation": "0.10", "draws": 200, "seed": 2024},
}


@dataclass
class World:
    province: Unit
    phuoc_son: Unit
    tien_phuoc: Unit
    nam_giang: Unit
    dien_ban: Unit
    cluster: Cluster
    cluster_year: ClusterYear
    other_cluster_year: ClusterYear
    revenue: Indicator
    disbursement: Indicator
    houses: Indicator
    board: User
    head: User
    member: User
    outsider: User
    member_report: Report  # Tiên Phước's year-end draft


def _user(username: str, full_name: str, role: str, unit: Unit | None) -> User:
    first, _, last = full_name.rpartition(" ")
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=last, last_name=first)
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def build_world() -> World:
    province = unit_create(actor=None, code="T-QNA", name="Tỉnh Quảng Nam", kind=UnitKind.PROVINCE)
    day = dt.date(2020, 1, 1)
    phuoc_son = unit_create(
        actor=None,
        code="T-PS",
        name="Huyện Phước Sơn",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_from=day,
    )
    tien_phuoc = unit_create(
        actor=None,
        code="T-TP",
        name="Huyện Tiên Phước",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_from=day,
    )
    nam_giang = unit_create(
        actor=None,
        code="T-NG",
        name="Huyện Nam Giang",
        kind=UnitKind.DISTRICT,
        parent=province,
        valid_from=day,
    )
    dien_ban = unit_create(
        actor=None, code="T-DB", name="Thị xã Điện Bàn", kind=UnitKind.TOWN, parent=province, valid_from=day
    )
    cluster = cluster_create(
        actor=None,
        code="T-CMN",
        name="Cụm thi đua miền núi (thử nghiệm)",
        kind="cum",
        organiser=province,
        rotation_policy=RotationPolicy.ELECTED,
    )
    other = cluster_create(
        actor=None,
        code="T-CDB",
        name="Cụm thi đua đồng bằng (thử nghiệm)",
        kind="cum",
        organiser=province,
        rotation_policy=RotationPolicy.ELECTED,
    )
    cy = cluster_year_create(
        actor=None, cluster=cluster, year=2024, members=[phuoc_son, tien_phuoc, nam_giang]
    )
    other_cy = cluster_year_create(actor=None, cluster=other, year=2024, members=[dien_ban])
    cluster_role_set(
        actor=None, cluster_year=cy, unit=phuoc_son, role=ClusterRoleKind.HEAD, basis=RoleBasis.ELECTED
    )
    cluster_role_set(
        actor=None, cluster_year=cy, unit=nam_giang, role=ClusterRoleKind.DEPUTY, basis=RoleBasis.ELECTED
    )
    revenue = Indicator.objects.create(
        code="T-THU", name="Thu ngân sách trên địa bàn", measure_unit="triệu đồng", kind=IndicatorKind.AMOUNT
    )
    disbursement = Indicator.objects.create(
        code="T-GN", name="Tỷ lệ giải ngân vốn đầu tư công", measure_unit="%", kind=IndicatorKind.PERCENTAGE
    )
    houses = Indicator.objects.create(
        code="T-NHA",
        name="Số nhà tạm được xóa",
        measure_unit="nhà",
        kind=IndicatorKind.COUNT,
        direction=Direction.HIGHER,
    )
    cluster_indicators_set(actor=None, cluster_year=cy, indicators=[revenue, disbursement, houses])
    cluster_indicators_set(actor=None, cluster_year=other_cy, indicators=[revenue])
    for unit, rev in ((phuoc_son, "400000"), (tien_phuoc, "250000"), (nam_giang, "180000")):
        target_set(
            actor=None,
            cluster_year=cy,
            unit=unit,
            indicator=revenue,
            value=Decimal(rev),
            basis=TargetBasis.PROVINCE_ESTIMATE,
        )
        target_set(
            actor=None,
            cluster_year=cy,
            unit=unit,
            indicator=disbursement,
            value=Decimal(100),
            basis=TargetBasis.PROVINCE_ESTIMATE,
        )
        target_set(actor=None, cluster_year=cy, unit=unit, indicator=houses, value=Decimal(500))
    target_set(actor=None, cluster_year=other_cy, unit=dien_ban, indicator=revenue, value=Decimal("900000"))
    member_report = report_get_or_create(actor=None, cluster_year=cy, unit=tien_phuoc, period=Period.YEAR_END)
    report_values_set(
        actor=None,
        report=member_report,
        values=[
            ValueInput(revenue, Decimal("260000"), Decimal("230000")),
            ValueInput(disbursement, Decimal("83")),
        ],
    )
    return World(
        province=province,
        phuoc_son=phuoc_son,
        tien_phuoc=tien_phuoc,
        nam_giang=nam_giang,
        dien_ban=dien_ban,
        cluster=cluster,
        cluster_year=cy,
        other_cluster_year=other_cy,
        revenue=revenue,
        disbursement=disbursement,
        houses=houses,
        board=_user("t-board", "Nguyễn Văn Bảng", Role.BOARD, None),
        head=_user("t-head", "Trần Thị Hạnh", Role.UNIT, phuoc_son),
        member=_user("t-member", "Lê Văn Minh", Role.UNIT, tien_phuoc),
        outsider=_user("t-outsider", "Phạm Thị Ngoài", Role.UNIT, dien_ban),
        member_report=member_report,
    )
