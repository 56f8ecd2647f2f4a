"""The minutes of a conference (biên bản hội nghị) and of each vote count (biên bản kiểm phiếu), as
administrative documents in the layout of Decree 30/2020/NĐ-CP (`tdkt.reports.documents`)."""

from __future__ import annotations

from fractions import Fraction

from tdkt.reports.documents import AdminDocument, Section, Signature
from tdkt.voting.models import Ballot, BallotMode, BallotStatus, Conference, Delegate
from tdkt.voting.selectors import conference_record_hash, elected_roles
from tdkt.voting.tally import percent

_BASES = {"valid": "số phiếu hợp lệ", "cast": "số phiếu thu về", "electorate": "tổng số cử tri"}


def _pct(text_fraction: str) -> str:
    value = percent(Fraction(text_fraction))
    return format(value, "f").rstrip("0").rstrip(".").replace(".", ",") + "%"


def rules_text(ballot: Ballot) -> str:
    """The rules a ballot was counted by, as one sentence."""
    method = (
        f"mỗi phiếu chọn tối đa {ballot.max_choices} người"
        if ballot.method == "choose_k"
        else "mỗi phiếu ghi đồng ý hoặc không đồng ý với từng người"
    )
    form = (
        "phiếu giấy do Ban kiểm phiếu nhập và xác nhận"
        if ballot.mode == BallotMode.PAPER
        else "bỏ phiếu điện tử bằng mã một lần"
    )
    relation = "trên" if ballot.strict else "từ"
    return (
        f"Quy tắc áp dụng: bỏ phiếu kín ({form}), {method}; tỷ lệ tham gia tối thiểu {_pct(ballot.quorum)} số cử "
        f"tri; người được chọn phải đạt {relation} {_pct(ballot.threshold)} {_BASES[ballot.base]}"
        + (f"; chọn {ballot.seats} người có số phiếu cao nhất" if ballot.seats else "")
        + "; bằng phiếu ở vị trí cuối cùng thì bỏ phiếu vòng sau giữa những người bằng phiếu."
    )


def candidates_text(ballot: Ballot) -> list[str]:
    """Where the candidates came from, and every change from that list with its reason."""
    lines = [f"Danh sách ứng viên lấy theo: {ballot.candidates_source or 'danh sách do hội nghị lập'}."]
    added = [c for c in ballot.candidates.all() if c.added_reason]
    removed = list(ballot.removed_candidates.all())
    if added:
        lines.append(
            "Đưa thêm vào danh sách: " + "; ".join(f"{c.name} ({c.added_reason})" for c in added) + "."
        )
    by_reason: dict[str, list[str]] = {}
    for r in removed:
        by_reason.setdefault(r.reason, []).append(r.name)
    for reason, names in by_reason.items():
        lines.append(f"Không đưa vào danh sách: {', '.join(names)} — lý do: {reason}.")
    return lines


def _totals_text(ballot: Ballot) -> str:
    result = ballot.result or {}
    return (
        f"Số cử tri trong danh sách: {result['electorate']}; số phiếu thu về: {result['cast']}; "
        f"số phiếu hợp lệ: {result['valid']}; số phiếu không hợp lệ: {len(result['invalid'])}."
    )


def _count_rows(ballot: Ballot) -> tuple[list[str], list[list[str]]]:
    result = ballot.result or {}
    yes_no = ballot.method == "yes_no"
    header = ["STT", "Ứng viên", "Số phiếu đồng ý"]
    if yes_no:
        header.append("Không đồng ý")
    header += ["Tỷ lệ", "Kết quả"]
    rows = []
    for i, c in enumerate(result.get("counts", []), start=1):
        row = [str(i), c["candidate"], str(c["yes"])]
        if yes_no:
            row.append(str(c["no"]))
        row += [c["percent"].replace(".", ",") + "%", "Đạt" if c["passes"] else "Không đạt"]
        rows.append(row)
    return header, rows


def _outcome(ballot: Ballot) -> list[str]:
    result = ballot.result or {}
    lines = [f"Kết quả: {', '.join(result['elected']) or 'không có người đạt'}."]
    if result["another_round"]:
        lines.append(f"Bằng phiếu ở vị trí cuối: {', '.join(result['another_round'])}; bỏ phiếu vòng sau.")
    if not result["quorum_met"]:
        lines.append("Số cử tri tham gia không đủ tỷ lệ tối thiểu: cuộc bỏ phiếu không có kết quả.")
    return lines


def _issuer(conference: Conference) -> tuple[str, str]:
    cluster = conference.cluster_year.cluster
    return cluster.organiser.name.upper(), cluster.name.upper()


def _chair_of_counting(conference: Conference) -> str:
    chair = conference.counting_board.filter(is_chair=True).first()
    return chair.name if chair else ""


def tally_minutes(ballot: Ballot) -> AdminDocument:
    """The minutes of a tallied ballot: the rules applied, the totals, the result and the hashes."""
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValueError("chỉ lập biên bản kiểm phiếu cho phiếu đã kiểm")
    conference = ballot.conference
    parent, issuer = _issuer(conference)
    board = list(conference.counting_board.all())
    paragraphs = [
        f"Hôm nay, ngày {conference.held_on:%d/%m/%Y}, tại {conference.place}, {conference} tiến hành kiểm "
        f"phiếu {ballot.title[:1].lower() + ballot.title[1:]}.",
    ]
    if board:
        paragraphs.append(
            "Ban kiểm phiếu gồm: "
            + ", ".join(f"{m.name}{' (Trưởng ban)' if m.is_chair else ''}" for m in board)
            + "."
        )
    paragraphs += [
        rules_text(ballot),
        *candidates_text(ballot),
        _totals_text(ballot),
        "Kết quả kiểm phiếu như sau:",
    ]
    header, rows = _count_rows(ballot)
    return AdminDocument(
        issuer_parent=parent,
        issuer=issuer,
        number=f"Số: {ballot.pk:02d}/BB-KP",
        place=conference.place.split(",")[0],
        date=conference.held_on,
        title="BIÊN BẢN KIỂM PHIẾU",
        subtitle=f"{ballot.title} (vòng {ballot.round_number})",
        paragraphs=paragraphs,
        table_header=header,
        table_rows=rows,
        closing=[*_outcome(ballot), "Biên bản được lập xong và thông qua tại hội nghị."],
        signatures=[
            Signature("THƯ KÝ", conference.secretary_name),
            Signature("TRƯỞNG BAN KIỂM PHIẾU", _chair_of_counting(conference)),
            Signature("CHỦ TRÌ HỘI NGHỊ", conference.chair_name),
        ],
        footer_note=f"Mã băm hòm phiếu: {ballot.box_hash}. Mã băm kết quả: {ballot.result_hash}.",
    )


def _delegates_section(conference: Conference) -> Section:
    delegates: list[Delegate] = list(conference.delegates.select_related("unit").order_by("order", "id"))
    members = [m.unit for m in conference.cluster_year.members.select_related("unit")]
    present = {d.unit_id for d in delegates}
    paragraphs = [
        f"Đại biểu của {len(present)}/{len(members)} đơn vị thành viên {conference.cluster_year.cluster.name}, "
        f"tổng cộng {len(delegates)} đại biểu (đánh dấu * là đại biểu bỏ phiếu thay mặt đơn vị)."
    ]
    absent = [u.name for u in members if u.pk not in present]
    if absent:
        paragraphs.append("Đơn vị chưa ghi nhận đại biểu: " + ", ".join(absent) + ".")
    board = list(conference.counting_board.all())
    if board:
        paragraphs.append(
            "Ban kiểm phiếu do hội nghị bầu: "
            + ", ".join(f"{m.name}{' (Trưởng ban)' if m.is_chair else ''}" for m in board)
            + "."
        )
    return Section(
        heading="I. THÀNH PHẦN THAM DỰ",
        paragraphs=paragraphs,
        table_header=["STT", "Đơn vị", "Đại biểu", "Chức vụ"] if delegates else [],
        table_rows=[
            [str(i), d.unit.name, d.name + (" *" if d.votes else ""), d.position]
            for i, d in enumerate(delegates, start=1)
        ],
    )


def _decisions_section(conference: Conference, ballots: list[Ballot]) -> Section:
    lines = []
    covenant = conference.covenant
    if covenant is not None:
        lines.append(
            f"Ký kết giao ước thi đua: {covenant}"
            + (f", số {covenant.document_number}" if covenant.document_number else "")
            + f", ký ngày {covenant.signed_on:%d/%m/%Y}"
            + f", {covenant.signatories.count()} đơn vị ký."
        )
    criteria = conference.criteria_set
    if criteria is not None:
        lines.append(
            f"Sửa đổi tiêu chí, thang điểm: thông qua {criteria}"
            + (f" (sửa đổi phiên bản {criteria.amends.version})" if criteria.amends_id else "")  # type: ignore[union-attr]
            + (f"; lý do: {criteria.reason}" if criteria.reason else "")
            + "."
        )
    for b in ballots:
        elected = ", ".join((b.result or {}).get("elected", [])) or "không có người đạt"
        lines.append(f"{b.title} (vòng {b.round_number}): {elected}.")
    for role in elected_roles(conference):
        recorded = (
            f" (đã ghi nhận vào năm {role.year} của cụm)"
            if role.recorded is not None
            else " (chưa ghi nhận vào năm sau)"
        )
        lines.append(f"{role.role} năm {role.year}: {role.unit_name}{recorded}.")
    if conference.conclusions:
        lines += [line.strip() for line in conference.conclusions.splitlines() if line.strip()]
    if not lines:
        lines.append("Hội nghị không có nội dung cần biểu quyết.")
    return Section(heading="III. CÁC NỘI DUNG HỘI NGHỊ ĐÃ THỐNG NHẤT", paragraphs=lines)


def conference_minutes(conference: Conference) -> AdminDocument:
    """The minutes of a conference: who attended, the agenda, what it decided (covenant, criteria, vote
    results with their rules and totals, next year's head and deputy) and the hash of the record."""
    parent, issuer = _issuer(conference)
    ballots = list(
        conference.ballots.filter(status=BallotStatus.TALLIED)
        .prefetch_related("candidates", "removed_candidates")
        .order_by("id")
    )
    agenda = conference.agenda_items
    sections = [
        _delegates_section(conference),
        Section(
            heading="II. CHƯƠNG TRÌNH HỘI NGHỊ",
            paragraphs=[f"{i}. {item}" for i, item in enumerate(agenda, start=1)]
            or ["(Không ghi chương trình.)"],
        ),
        _decisions_section(conference, ballots),
    ]
    if ballots:
        sections.append(
            Section(
                heading="IV. KẾT QUẢ BỎ PHIẾU KÍN",
                paragraphs=[
                    f"Hội nghị tiến hành {len(ballots)} cuộc bỏ phiếu kín; Ban kiểm phiếu lập biên bản kiểm phiếu "
                    "riêng cho từng cuộc."
                ],
            )
        )
        for i, b in enumerate(ballots, start=1):
            header, rows = _count_rows(b)
            sections.append(
                Section(
                    heading=f"{i}. {b.title} (vòng {b.round_number})",
                    paragraphs=[rules_text(b), *candidates_text(b), _totals_text(b)],
                    table_header=header,
                    table_rows=rows,
                    after=_outcome(b),
                )
            )
    opening = [
        f"Thời gian: ngày {conference.held_on:%d/%m/%Y}.",
        f"Địa điểm: {conference.place}. Đơn vị đăng cai: {conference.host.name}.",
    ]
    if conference.chair_name:
        opening.append(f"Chủ trì: {conference.chair_name}.")
    if conference.secretary_name:
        opening.append(f"Thư ký: {conference.secretary_name}.")
    return AdminDocument(
        issuer_parent=parent,
        issuer=issuer,
        number=f"Số: {conference.pk:02d}/BB-HN",
        place=conference.place.split(",")[0],
        date=conference.held_on,
        title="BIÊN BẢN",
        subtitle=f"{conference.get_kind_display()} {conference.cluster_year.cluster.name} năm {conference.cluster_year.year}",
        paragraphs=opening,
        sections=sections,
        closing=[
            "Hội nghị kết thúc cùng ngày. Biên bản được lập xong, đọc lại cho hội nghị nghe và thông qua."
        ],
        signatures=[
            Signature("THƯ KÝ", conference.secretary_name),
            Signature("CHỦ TRÌ HỘI NGHỊ", conference.chair_name),
        ],
        footer_note=" ".join(
            [
                f"Mã băm của biên bản (SHA-256 của hồ sơ hội nghị): {conference_record_hash(conference)}.",
                *(
                    f"Cuộc bỏ phiếu {i}: mã băm hòm phiếu {b.box_hash}, mã băm kết quả {b.result_hash}."
                    for i, b in enumerate(ballots, start=1)
                ),
            ]
        ),
    )
