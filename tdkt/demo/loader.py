"""Loads the demo data set through the same services the product uses (so it is validated and audited)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from tdkt.awards.selectors import people_of_unit
from tdkt.clusters.models import ClusterRole, ClusterYear
from tdkt.clusters.services import cluster_create, cluster_role_set, cluster_year_create
from tdkt.demo import awards_loader, data, dossiers_loader
from tdkt.movements.models import Covenant, Indicator, Period, Report
from tdkt.movements.registration import (
    LineInput,
    registration_get_or_create,
    registration_lines_add,
    registration_transition,
)
from tdkt.movements.services import (
    Signatory,
    ValueInput,
    cluster_indicators_set,
    covenant_sign,
    indicator_create,
    movement_create,
    report_get_or_create,
    report_transition,
    report_values_set,
    target_set,
)
from tdkt.org.models import Unit
from tdkt.org.services import account_create, unit_apply_lineage, unit_create
from tdkt.scoring.services import (
    assignments_propose,
    criteria_set_adopt,
    criteria_set_create,
    discrepancy_answer,
    score_set,
    scoring_publish,
)
from tdkt.voting.box import ballot_activate, ballot_cast, ballot_close, ballot_hand_out, ballot_open
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import Voter
from tdkt.voting.paper import PaperBallotInput, paper_entry_confirm, paper_entry_submit
from tdkt.voting.selectors import default_candidates
from tdkt.voting.services import (
    CandidateInput,
    CandidateRemoval,
    DelegateInput,
    ballot_apply,
    ballot_create,
    conference_create,
    conference_delegates_set,
    conference_update,
    counting_board_set,
)

MARKER_UNIT = "QNA-PS"

# Invented signatories: the chairman (or a vice chairman) of each district's People's Committee.
_SIGNER_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi"]
_SIGNER_GIVEN = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Minh Dũng",
    "Thị Giang",
    "Văn Hải",
    "Quốc Khánh",
    "Thị Lan",
    "Văn Phúc",
]


def is_loaded() -> bool:
    return Unit.objects.filter(code=MARKER_UNIT).exists()


@transaction.atomic
def load() -> None:
    units = _units()
    indicators = _indicators()
    clusters = _clusters(units)
    _movements(units, clusters)
    _quang_nam(units, indicators, clusters["CTD-MN-QNA"])
    _quang_binh(units, indicators, clusters["CTD-HTT-QBH"])
    _roles(units)
    _accounts(units)
    awards_loader.load(units)
    _registrations(units)
    _conferences(units)
    dossiers_loader.load(units)


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in data.UNITS:
        units[row.code] = unit_create(
            actor=None,
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=units[row.parent] if row.parent else None,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            note=row.note,
        )
    for kind, preds, succs, basis in data.LINEAGE:
        unit_apply_lineage(
            actor=None,
            kind=kind,
            effective_date=data.REFORM_DATE,
            predecessors=[units[c] for c in preds],
            successors=[units[c] for c in succs],
            legal_basis=basis,
        )
    for unit in units.values():
        unit.refresh_from_db()
    return units


def _indicators() -> dict[str, Indicator]:
    return {
        row.code: indicator_create(
            actor=None,
            code=row.code,
            name=row.name,
            measure_unit=row.measure_unit,
            kind=row.kind,
            direction=row.direction,
            description=row.description,
        )
        for row in data.INDICATORS + data.QNA_2024_EXTRA_INDICATORS
    }


def _clusters(units: dict[str, Unit]) -> dict[str, dict[int, ClusterYear]]:
    qna = cluster_create(
        actor=None,
        code="CTD-MN-QNA",
        name="Cụm thi đua miền núi tỉnh Quảng Nam",
        kind="cum",
        organiser=units["QNA"],
        rotation_policy="elected",
        description="9 huyện miền núi: Phước Sơn, Đông Giang, Tây Giang, Hiệp Đức, Nam Giang, Nông Sơn, "
        "Tiên Phước, Bắc Trà My, Nam Trà My.",
    )
    qbh = cluster_create(
        actor=None,
        code="CTD-HTT-QBH",
        name="Cụm thi đua các huyện, thị xã, thành phố tỉnh Quảng Bình",
        kind="cum",
        organiser=units["QBH"],
        rotation_policy="elected",
        description="8 huyện, thị xã, thành phố của tỉnh Quảng Bình.",
    )
    result: dict[str, dict[int, ClusterYear]] = {"CTD-MN-QNA": {}, "CTD-HTT-QBH": {}}
    for year in (2023, 2024):
        result["CTD-MN-QNA"][year] = cluster_year_create(
            actor=None, cluster=qna, year=year, members=[units[c] for c in data.QNA_MOUNTAIN]
        )
        result["CTD-HTT-QBH"][year] = cluster_year_create(
            actor=None, cluster=qbh, year=year, members=[units[c] for c in data.QBH_DISTRICTS]
        )
    return result


def _movements(units: dict[str, Unit], clusters: dict[str, dict[int, ClusterYear]]) -> None:
    for row in data.MOVEMENTS:
        movement_create(
            actor=None,
            name=row.name,
            slogan=row.slogan,
            launched_by=units[row.launched_by],
            level=row.level,
            kind=row.kind,
            start_date=row.start,
            end_date=row.end,
            clusters=[next(iter(clusters[c].values())).cluster for c in row.clusters],
            units=[units[c] for c in row.units],
        )


def _registrations(units: dict[str, Unit]) -> None:
    """Xã Khâm Đức's registration for 2025, sent to Đà Nẵng: the commune registers Xã tiêu biểu, the staff
    who came from the two merged communes register Lao động tiên tiến (illustrative)."""
    unit = units["DNG-KD"]
    registration = registration_get_or_create(actor=None, unit=unit, cycle=2025)
    people = [p for p in people_of_unit(unit, 2025) if p.code.startswith(("DEMO-KD-NV", "DEMO-PX-NV"))]
    lines = [LineInput("XA_TIEU_BIEU"), *(LineInput("LDTT", p) for p in people)]
    registration_lines_add(actor=None, registration=registration, lines=lines)
    registration_transition(actor=None, registration=registration, action="submit")


def _sign(
    cluster_year: ClusterYear,
    members: list[str],
    units: dict[str, Unit],
    day: dt.date,
    place: str,
    content: str,
) -> None:
    covenant_sign(
        actor=None,
        cluster_year=cluster_year,
        signed_on=day,
        place=place,
        content=content,
        signatories=[
            Signatory(units[code], f"{_SIGNER_FAMILY[i % 9]} {_SIGNER_GIVEN[(i * 4) % 9]}", "Chủ tịch UBND")
            for i, code in enumerate(members)
        ],
    )


def _values(report: Report, figures: dict[str, data.Figure], indicators: dict[str, Indicator]) -> None:
    report_values_set(
        actor=None,
        report=report,
        values=[
            ValueInput(
                indicators[code],
                fig.value,
                illustrative=fig.illustrative,
                source=fig.source or data.ILLUSTRATIVE,
            )
            for code, fig in figures.items()
        ],
    )


def _publish(report: Report) -> None:
    for action in ("submit", "accept", "lock"):
        report = report_transition(actor=None, report=report, action=action)


def _percent_of_plan_targets(cluster_year: ClusterYear, unit: Unit, indicators: list[Indicator]) -> None:
    """Indicators reported as "% of plan": meeting the plan is 100 %."""
    for indicator in indicators:
        target_set(
            actor=None,
            cluster_year=cluster_year,
            unit=unit,
            indicator=indicator,
            value=Decimal(100),
            basis="province",
            source="Chỉ tiêu tính theo % kế hoạch: đạt kế hoạch là 100%",
        )


def _quang_nam(
    units: dict[str, Unit], indicators: dict[str, Indicator], years: dict[int, ClusterYear]
) -> None:
    cy23, cy24 = years[2023], years[2024]
    # 2023: mid-year budget revenue (seed 001), year-end counts (illustrative, the base for 2024's change)
    cluster_indicators_set(
        actor=None, cluster_year=cy23, indicators=[indicators[c] for c in data.QNA_2023_INDICATORS]
    )
    for code, (value, prior, targets) in data.QNA_2023_MID_REVENUE.items():
        for basis, fig in targets.items():
            target_set(
                actor=None,
                cluster_year=cy23,
                unit=units[code],
                indicator=indicators["THU-ND"],
                value=fig.value,
                basis=basis,
                illustrative=fig.illustrative,
                source=fig.source,
            )
        report = report_get_or_create(actor=None, cluster_year=cy23, unit=units[code], period=Period.MID_YEAR)
        report_values_set(
            actor=None,
            report=report,
            values=[
                ValueInput(
                    indicators["THU-ND"],
                    value.value,
                    prior.value,
                    source=value.source + " | cùng kỳ: " + prior.source,
                )
            ],
        )
        _publish(report)
    _sign(cy23, data.QNA_MOUNTAIN, units, dt.date(2023, 3, 15), "Huyện Phước Sơn", data.ILLUSTRATIVE)
    for code in data.QNA_MOUNTAIN:
        figures24 = data.QNA_2024_YEAR_END[code]
        report = report_get_or_create(actor=None, cluster_year=cy23, unit=units[code], period=Period.YEAR_END)
        houses = figures24["NHA-TAM"].value * Decimal("0.8")
        _values(report, {"NHA-TAM": data.demo(str(houses.quantize(Decimal(1))))}, indicators)
        _publish(report)

    # 2024: year-end review (seed 000) with targets; mid-year left open for the demo user to fill in
    cluster_indicators_set(
        actor=None,
        cluster_year=cy24,
        indicators=[indicators[c] for c in data.QNA_2024_INDICATORS]
        + [indicators[row.code] for row in data.QNA_2024_EXTRA_INDICATORS],
    )
    for code in data.QNA_MOUNTAIN:
        _percent_of_plan_targets(
            cy24, units[code], [indicators[c] for c in ("THU-DT", "GIAI-NGAN", "GIAM-NGHEO", "TRONG-RUNG")]
        )
        target_set(
            actor=None,
            cluster_year=cy24,
            unit=units[code],
            indicator=indicators["GIAO-QUAN"],
            value=Decimal(1),
            basis="province",
            source="Chỉ tiêu giao quân của tỉnh",
        )
        for ind, fig in data.QNA_2024_TARGETS[code].items():
            target_set(
                actor=None,
                cluster_year=cy24,
                unit=units[code],
                indicator=indicators[ind],
                value=fig.value,
                basis="registered",
                illustrative=True,
                source=data.ILLUSTRATIVE,
            )
    _sign(
        cy24,
        data.QNA_MOUNTAIN,
        units,
        dt.date(2024, 3, 8),
        "Thị trấn Khâm Đức, huyện Phước Sơn",
        data.ILLUSTRATIVE,
    )
    for code in data.QNA_MOUNTAIN:
        report = report_get_or_create(actor=None, cluster_year=cy24, unit=units[code], period=Period.YEAR_END)
        _values(report, {**data.QNA_2024_YEAR_END[code], **data.QNA_2024_EXTRA_VALUES[code]}, indicators)
        _publish(report)
    _scoring(units, cy24)


def _scoring(units: dict[str, Unit], cluster_year: ClusterYear) -> None:
    """The Quảng Nam 2024 criteria set, its scores by three layers, and the published ranking."""
    criteria_set = criteria_set_create(
        actor=None,
        cluster_year=cluster_year,
        criteria=data.QNA_2024_CRITERIA,
        rules=data.QNA_2024_RULES,
        declared_total=Decimal(100),
    )
    criteria_set = criteria_set_adopt(actor=None, criteria_set=criteria_set, adopted_on=dt.date(2024, 3, 8))
    pairs = assignments_propose(
        actor=None, criteria_set=criteria_set, per_unit=3, no_reciprocal=True, seed=2024
    )
    scorers: dict[str, list[str]] = {}
    for pair in sorted(pairs, key=lambda p: (p.scored.code, p.scorer.code)):
        scorers.setdefault(pair.scored.code, []).append(pair.scorer.code)
    deltas = [Decimal("-0.5"), Decimal(0), Decimal("0.5")]
    for i, code in enumerate(data.QNA_MOUNTAIN):
        for j, criterion in enumerate(data.QNA_2024_JUDGED):
            maximum = Decimal(10) if criterion.startswith("III") else Decimal(5)
            quality = Decimal(data.QNA_2024_QUALITY[code][j])
            own = (
                Decimal(10)
                if (code, criterion) == ("QNA-NTM", "III.1")
                else min(maximum, quality + Decimal("0.5"))
            )
            score_set(
                actor=None,
                criteria_set=criteria_set,
                unit=units[code],
                criterion_code=criterion,
                layer="self",
                points=own,
                explanation="Đơn vị tự chấm theo báo cáo tổng kết (minh họa)",
            )
            for k, scorer in enumerate(scorers[code]):
                score_set(
                    actor=None,
                    criteria_set=criteria_set,
                    unit=units[code],
                    criterion_code=criterion,
                    layer="cross",
                    points=max(Decimal(0), min(maximum, quality + deltas[(i + j + k) % 3])),
                    scorer_unit=units[scorer],
                )
    for code, criterion, points in data.QNA_2024_APPRAISAL:
        score_set(
            actor=None,
            criteria_set=criteria_set,
            unit=units[code],
            criterion_code=criterion,
            layer="appraisal",
            points=Decimal(points),
            explanation="Thẩm định lại theo minh chứng và biên bản kiểm tra (minh họa)",
            appraiser="Ban Thi đua – Khen thưởng tỉnh Quảng Nam (minh họa)",
        )
    for code, criterion, answer in data.QNA_2024_DISCREPANCY_ANSWERS:
        discrepancy_answer(
            actor=None, criteria_set=criteria_set, unit=units[code], criterion_code=criterion, answer=answer
        )
    scoring_publish(actor=None, criteria_set=criteria_set)


def _quang_binh(
    units: dict[str, Unit], indicators: dict[str, Indicator], years: dict[int, ClusterYear]
) -> None:
    cy23, cy24 = years[2023], years[2024]
    for cy in (cy23, cy24):
        cluster_indicators_set(
            actor=None, cluster_year=cy, indicators=[indicators[c] for c in data.QBH_2023_INDICATORS]
        )
        for code in data.QBH_DISTRICTS:
            _percent_of_plan_targets(
                cy, units[code], [indicators[c] for c in ("THU-DT", "GIAI-NGAN", "GIAM-NGHEO")]
            )
            target_set(
                actor=None,
                cluster_year=cy,
                unit=units[code],
                indicator=indicators["NTM"],
                value=Decimal(1),
                basis="registered",
                illustrative=True,
                source=data.ILLUSTRATIVE,
            )
    _sign(
        cy23,
        data.QBH_DISTRICTS,
        units,
        dt.date(2023, 2, 20),
        "Thành phố Đồng Hới",
        "Đăng ký, giao ước thi đua thực hiện thắng lợi kế hoạch phát triển kinh tế – xã hội năm 2023 với phương châm "
        "“Đồng thuận cao, thi đua giỏi, về đích sớm” (" + data.SEED_002 + "; ngày ký minh họa).",
    )
    for code in data.QBH_DISTRICTS:
        report = report_get_or_create(actor=None, cluster_year=cy23, unit=units[code], period=Period.YEAR_END)
        _values(report, data.QBH_2023_YEAR_END[code], indicators)
        _publish(report)
    _sign(
        cy24,
        data.QBH_DISTRICTS,
        units,
        dt.date(2024, 1, 25),
        "Thành phố Đồng Hới",
        "Ký kết giao ước nội dung thi đua quyết tâm thực hiện thắng lợi nhiệm vụ chính trị được giao trong năm 2024 ("
        + data.SEED_002
        + "; ngày ký minh họa).",
    )


def _roles(units: dict[str, Unit]) -> None:
    for role in data.ROLES:
        cluster_year = ClusterYear.objects.get(cluster__code=role.cluster, year=role.year)
        cluster_role_set(
            actor=None,
            cluster_year=cluster_year,
            unit=units[role.unit],
            role=role.role,
            basis=role.basis,
            reference=role.reference,
        )


def _person(i: int, offset: int = 0) -> str:
    """An invented name, the same one the demo's covenants use for a member's chairman (offset 0)."""
    return f"{_SIGNER_FAMILY[(i + offset) % 9]} {_SIGNER_GIVEN[(i * 4 + offset * 2) % 9]}"


def _conferences(units: dict[str, Unit]) -> None:
    """Year-end conferences: each member's delegates (invented), the counting board (demo accounts), the
    agenda and what was decided; secret ballots that honour the leading units and elect next year's head and
    deputy, cast with one-time codes as delegates would on their phones, or on paper entered by the chair of
    the counting board and confirmed by a second member. A ballot without marks is left in draft, for the
    demo to run live."""
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in data.ACCOUNTS])}
    for row in data.CONFERENCES:
        cluster_year = ClusterYear.objects.get(cluster__code=row.cluster, year=row.year)
        members = [m.unit for m in cluster_year.members.select_related("unit")]
        head = ClusterRole.objects.get(cluster_year=cluster_year, role="head").unit
        delegates = []
        for i, unit in enumerate(members):
            where = unit.name[:1].lower() + unit.name[1:]
            delegates.append(DelegateInput(unit, _person(i), f"Chủ tịch UBND {where}", votes=True))
            delegates.append(DelegateInput(unit, _person(i, 4), f"Trưởng phòng Nội vụ {where}"))
        chair_name = next(d.name for d in delegates if d.unit == head and d.votes)
        secretary_name = next(d.name for d in delegates if d.unit == head and not d.votes)
        conference = conference_create(
            actor=None,
            cluster_year=cluster_year,
            kind=row.kind,
            held_on=row.held_on,
            place=row.place,
            host=units[row.host],
            agenda="\n".join(row.agenda),
            chair_name=chair_name,
            secretary_name=secretary_name,
        )
        covenant = (
            Covenant.objects.get(
                cluster_year__cluster__code=row.cluster, cluster_year__year=row.covenant_year
            )
            if row.covenant_year
            else None
        )
        conference_update(
            actor=None,
            conference=conference,
            kind=row.kind,
            held_on=row.held_on,
            place=row.place,
            host=units[row.host],
            agenda=conference.agenda,
            chair_name=chair_name,
            secretary_name=secretary_name,
            covenant=covenant,
            conclusions=row.conclusions,
        )
        conference_delegates_set(actor=None, conference=conference, delegates=delegates)
        board = [users[name] for name in row.counting_board]
        counting_board_set(actor=None, conference=conference, members=board, chair=board[0])
        chair, second = board[0], board[1]
        for b in row.ballots:
            kept = {units[c].name for c in b.candidates}
            ballot = ballot_create(
                actor=None,
                conference=conference,
                purpose=b.purpose,
                title=b.title,
                candidates=[CandidateInput(units[c].name, units[c]) for c in b.candidates],
                removed=[
                    CandidateRemoval(c.name, b.removed_reason)
                    for c in default_candidates(cluster_year).candidates
                    if c.name not in kept
                ],
                seats=b.seats,
                max_choices=b.max_choices,
                method=b.method,
                mode=b.mode,
            )
            if not b.marks:
                continue
            codes = ballot_open(actor=chair, ballot=ballot)  # the roll: each member's voting delegate
            marks = [[units[c].name for c in choice] for count, choice in b.marks for _ in range(count)]
            # as in the room: each voter present is ticked on the roll when handed a slip drawn at random
            # (or a paper ballot), activates it at the table, and votes
            secrets.SystemRandom().shuffle(codes)
            roll = list(Voter.objects.filter(ballot=ballot).order_by("name"))
            slips: list[str | None] = list(codes) or [None] * len(roll)  # paper: no slips
            for voter, code, choice in zip(roll, slips, marks, strict=False):
                ballot_hand_out(actor=chair, ballot=ballot, voter=voter)
                if code is not None:
                    ballot_activate(ballot=ballot, code=code)
                    ballot_cast(ballot=ballot, code=code, marks=choice)
            ballot_close(actor=chair, ballot=ballot)
            if b.mode == "paper":
                entry = paper_entry_submit(
                    actor=chair, ballot=ballot, ballots=[PaperBallotInput(choice) for choice in marks]
                )
                paper_entry_confirm(actor=second, entry=entry)
            ballot = ballot_tally(actor=chair, ballot=ballot)
            ballot_apply(actor=None, ballot=ballot)


def _accounts(units: dict[str, Unit]) -> None:
    for acc in data.ACCOUNTS:
        account_create(
            actor=None,
            username=acc.username,
            password=data.DEMO_PASSWORD,
            full_name=acc.full_name,
            role=acc.role,
            unit=units[acc.unit] if acc.unit else None,
            position=acc.position,
        )


def accounts_text() -> str:
    lines = ["Tài khoản dùng thử (mật khẩu chung: " + data.DEMO_PASSWORD + "):"]
    for acc in data.ACCOUNTS:
        lines.append(f"  {acc.username:<10} {acc.full_name:<20} {acc.what}")
    lines.append("  (không đăng nhập) — công chúng: chỉ xem số liệu đã công bố")
    return "\n".join(lines)
