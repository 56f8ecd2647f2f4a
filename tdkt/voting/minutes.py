"""The minutes of a conference (biên bản hội nghị) and of each vote count (biên bản kiểm phiếu), as
administrative documents in the layout of Decree 30/2020/NĐ-CP (`tdkt.reports.documents`).

The vote-counting minutes read like the paper a counting board signs: the number in the conference's
register (`Ballot.minutes_number`, given at the count: "Số: 02/BB-KP"), when the count started (the box
closed) and ended, the board, the rules and the roll with every change and its reason, the candidates with
every change from the default list, the figures — voters on the roll, voters who received a slip, codes
printed, used and voided, ballots cast against the quorum, blank and invalid ballots by reason —, for each
candidate the votes, the threshold on its base as a number of votes (exact, with `Fraction`) and the
outcome, the board's remarks and the complaints received, and a signature for every board member. Dates are
written the Decree 30 way (`tdkt.core.vn.format_date_decree30`).
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

from django.utils import timezone

from tdkt.core.vn import format_date_decree30
from tdkt.reports.documents import AdminDocument, Section, Signature
from tdkt.voting.models import (
    Ballot,
    BallotMode,
    BallotStatus,
    Conference,
    CountingBoardMember,
    Delegate,
    Electorate,
)
from tdkt.voting.selectors import conference_record_hash, elected_roles
from tdkt.voting.tally import percent

_BASES = {"valid": "số phiếu hợp lệ", "cast": "số phiếu thu về", "electorate": "tổng số cử tri"}
# the base counted in ballots or voters, after a number: "9 phiếu hợp lệ"
_BASE_UNITS = {"valid": "phiếu hợp lệ", "cast": "phiếu thu về", "electorate": "cử tri trong danh sách"}
ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _pct(text_fraction: str | Fraction) -> str:
    value = percent(Fraction(text_fraction))
    return format(value, "f").rstrip("0").rstrip(".").replace(".", ",") + "%"


def _fraction_text(value: Fraction) -> str:
    """A rule's fraction as people write it: "1/2", "2/3", "1" for the whole."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def votes_needed(threshold: Fraction, strict: bool, base: int) -> int | None:
    """The fewest votes that pass `threshold` of `base` (more than it when `strict`, else at least it),
    computed exactly; None when no number of votes can (a base of 0, or a threshold that asks for more
    than the whole base)."""
    if base <= 0:
        return None
    product = threshold * base
    need = math.floor(product) + 1 if strict else math.ceil(product)
    return need if need <= base else None


def quorum_needed(quorum: Fraction, electorate: int) -> int:
    """The fewest ballots cast that meet the quorum (cast ÷ electorate ≥ quorum), exactly."""
    return math.ceil(quorum * electorate)


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
    """Where the candidates came from, every change from that list with its reason, and why an earlier
    ranking was kept when a newer one had been published."""
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
    if ballot.stale_reason:
        newer = ballot.stale_confirmed_run
        kept = ballot.scoring_run
        lines.append(
            "Bảng xếp hạng đã được công bố lại"
            + (f" (lần {newer.number})" if newer is not None else "")
            + " sau khi lập danh sách ứng viên; hội nghị giữ danh sách"
            + (f" theo lần công bố {kept.number}" if kept is not None else " đã lập")
            + f" — lý do: {ballot.stale_reason.rstrip('.')}."
        )
    return lines


def _totals_text(ballot: Ballot) -> str:
    result = ballot.result or {}
    return (
        f"Số cử tri trong danh sách: {result['electorate']}; số phiếu thu về: {result['cast']}; "
        f"số phiếu hợp lệ: {result['valid']}; số phiếu không hợp lệ: {len(result['invalid'])}."
    )


def _verdict(count: dict[str, Any], result: dict[str, Any]) -> str:
    name = count["candidate"]
    if name in result.get("elected", []):
        return "Đạt, được chọn"
    if name in result.get("another_round", []):
        return "Đạt, bằng phiếu ở vị trí cuối: bỏ phiếu vòng sau"
    if count["passes"]:
        return "Đạt, ngoài số người được chọn"
    return "Không đạt"


def _needed_cell(ballot: Ballot, base: int) -> str:
    threshold = Fraction(ballot.threshold)
    need = votes_needed(threshold, ballot.strict, base)
    relation = "trên" if ballot.strict else "từ"
    return f"{relation} {_fraction_text(threshold)} của {base}: " + (
        f"ít nhất {need}" if need is not None else "không thể đạt"
    )


def _count_rows(ballot: Ballot) -> tuple[list[str], list[list[str]]]:
    """The table of the count, headed for the ballot's method: "Số phiếu bầu" when each ballot chooses up
    to k, "Đồng ý" / "Không đồng ý" when each candidate is approved or not; for each candidate its share,
    what the threshold needed on its base, and the outcome."""
    result = ballot.result or {}
    yes_no = ballot.method == "yes_no"
    base = int(result.get("base", 0))
    header = ["STT", "Ứng viên"]
    header += ["Đồng ý", "Không đồng ý"] if yes_no else ["Số phiếu bầu"]
    header += ["Tỷ lệ", "Số phiếu cần đạt", "Kết quả"]
    rows = []
    needed = _needed_cell(ballot, base)
    for i, c in enumerate(result.get("counts", []), start=1):
        row = [str(i), c["candidate"], str(c["yes"])]
        if yes_no:
            row.append(str(c["no"]))
        row += [c["percent"].replace(".", ",") + "%", needed, _verdict(c, result)]
        rows.append(row)
    return header, rows


def _count_center(ballot: Ballot) -> tuple[int, ...]:
    return (0, 2, 3, 4) if ballot.method == "yes_no" else (0, 2, 3)


def _outcome(ballot: Ballot) -> list[str]:
    result = ballot.result or {}
    lines = [f"Kết quả: {', '.join(result['elected']) or 'không có người đạt'}."]
    if result["another_round"]:
        lines.append(f"Bằng phiếu ở vị trí cuối: {', '.join(result['another_round'])}; bỏ phiếu vòng sau.")
    if not result["quorum_met"]:
        lines.append("Số cử tri tham gia không đủ tỷ lệ tối thiểu: cuộc bỏ phiếu không có kết quả.")
    return lines


def _issuer(conference: Conference) -> tuple[str, str]:
    if conference.council_of is not None:
        return conference.council_of.name.upper(), "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG"
    assert conference.cluster_year is not None
    cluster = conference.cluster_year.cluster
    return cluster.organiser.name.upper(), cluster.name.upper()


def meeting_text(conference: Conference) -> str:
    """The meeting as the minutes name it: "Hội nghị tổng kết năm Cụm … năm 2024", or "Phiên họp Hội đồng
    Thi đua – Khen thưởng tỉnh …"."""
    if conference.council_of is not None:
        return f"Phiên họp {conference.council_name}"
    assert conference.cluster_year is not None
    return f"{conference.get_kind_display()} {conference.cluster_year.cluster.name} năm {conference.cluster_year.year}"


def _noun(conference: Conference) -> str:
    return "phiên họp" if conference.council_of_id is not None else "hội nghị"


TAG_WORDS = {
    "V": "đã đối chiếu với văn bản",
    "V-old": "theo văn bản đã hết hiệu lực",
    "V-2nd": "theo nguồn thứ cấp",
    "R": "chưa được kiểm chứng",
}


def rule_basis_text(ballot: Ballot) -> str:
    """Where a ballot's thresholds came from, with its verification in words; blank when none was given."""
    if not ballot.rule_citation:
        return ""
    tag = TAG_WORDS.get(ballot.rule_tag, "")
    return f"Căn cứ tỷ lệ phiếu: {ballot.rule_citation.rstrip('.')}" + (f" ({tag})." if tag else ".")


# --------------------------------------------------------------------------- the vote-counting minutes


def _clock(moment: dt.datetime) -> str:
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def count_times(ballot: Ballot) -> str:
    """When the count started (the box closed) and ended, in local time, the Decree 30 way."""
    if ballot.closed_at is None or ballot.counted_at is None:
        return ""
    start, end = timezone.localtime(ballot.closed_at), timezone.localtime(ballot.counted_at)
    ended = (
        f"{_clock(end)} cùng ngày"
        if end.date() == start.date()
        else f"{_clock(end)}, {format_date_decree30(end.date())}"
    )
    return (
        f"Thời gian kiểm phiếu: bắt đầu lúc {_clock(start)}, {format_date_decree30(start.date())} (khi đóng "
        f"hòm phiếu), kết thúc lúc {ended}."
    )


def _board_section(ballot: Ballot, board: list[CountingBoardMember]) -> Section:
    lines = [
        f"{i}. {m.name} – {'Trưởng ban' if m.is_chair else 'Thành viên'}."
        for i, m in enumerate(board, start=1)
    ] or ["(Hội nghị chưa ghi thành viên Ban kiểm phiếu.)"]
    times = count_times(ballot)
    return Section(
        heading="I. BAN KIỂM PHIẾU VÀ THỜI GIAN KIỂM PHIẾU",
        paragraphs=[f"Ban kiểm phiếu gồm {len(board)} thành viên:", *lines, *([times] if times else [])],
    )


def _roll_text(ballot: Ballot) -> list[str]:
    if ballot.electorate_kind == Electorate.COUNCIL:
        source = f"thành viên {ballot.council_name}" + (
            f" ({ballot.council_size} thành viên)" if ballot.council_size else ""
        )
    else:
        source = "đại biểu bỏ phiếu thay mặt các đơn vị thành viên (mỗi đơn vị một đại biểu)"
    lines = [f"Cử tri: {source}; danh sách cử tri chốt khi mở hòm phiếu gồm {ballot.electorate} người."]
    changes = list(ballot.roll_changes.all())
    if changes:
        lines.append("Ban kiểm phiếu đã thay đổi danh sách cử tri trước khi mở hòm phiếu:")
    for change in changes:
        parts = []
        if change.added:
            parts.append("thêm " + ", ".join(change.added))
        if change.removed:
            parts.append("bớt " + ", ".join(change.removed))
        lines.append(
            f"Lần {change.number}: {'; '.join(parts) or 'sửa thông tin cử tri'} — lý do: "
            f"{change.reason.rstrip('.')}."
        )
    return lines


def _rules_section(ballot: Ballot) -> Section:
    basis = rule_basis_text(ballot)
    return Section(
        heading="II. NỘI DUNG, QUY TẮC BỎ PHIẾU VÀ DANH SÁCH",
        paragraphs=[
            rules_text(ballot),
            *([basis] if basis else []),
            *_roll_text(ballot),
            *candidates_text(ballot),
        ],
    )


def _figures(ballot: Ballot) -> list[str]:
    """The figures of the count, each on its line, from the stored result (older results without the
    box's counts fall back on the ballot's own fields)."""
    result = ballot.result or {}
    electorate, cast, valid = result["electorate"], result["cast"], result["valid"]
    invalid = result.get("invalid", [])
    checked_in = result.get("checked_in", ballot.checked_in)
    codes = result.get(
        "codes", {"issued": ballot.codes_issued, "used": ballot.codes_used, "voided": ballot.codes_voided}
    )
    blank = result.get("blank", 0)
    quorum = Fraction(ballot.quorum)
    lines = [
        f"Tổng số cử tri trong danh sách: {electorate}; số cử tri đã nhận phiếu: {checked_in}; "
        f"số phiếu thu về: {cast}; số phiếu hợp lệ: {valid}; số phiếu không hợp lệ: {len(invalid)}.",
    ]
    if ballot.mode == BallotMode.PAPER:
        lines.append(f"Số phiếu giấy đã phát: {checked_in}; số phiếu thu về: {cast}.")
    else:
        lines.append(
            f"Mã bỏ phiếu: đã in {codes['issued']} mã; đã dùng {codes['used']} mã; bị hủy khi đóng hòm phiếu "
            f"{codes['voided']} mã (mã chưa dùng)."
        )
    turnout = Fraction(cast, electorate) if electorate else Fraction(0)
    lines.append(
        f"Tỷ lệ tham gia: {cast}/{electorate} cử tri bỏ phiếu, đạt {_pct(turnout)}; tỷ lệ tối thiểu "
        f"{_fraction_text(quorum)} ({_pct(quorum)}) số cử tri, tức ít nhất {quorum_needed(quorum, electorate)} "
        "phiếu thu về: " + ("đủ." if result["quorum_met"] else "không đủ, cuộc bỏ phiếu không có kết quả.")
    )
    lines.append(f"Số phiếu hợp lệ: {valid}, trong đó phiếu trắng (không chọn ai): {blank}.")
    if invalid:
        by_reason: dict[str, int] = {}
        for item in invalid:
            by_reason[item["reason"]] = by_reason.get(item["reason"], 0) + 1
        lines.append(
            f"Số phiếu không hợp lệ: {len(invalid)}, gồm: "
            + "; ".join(f"{reason}: {n} phiếu" for reason, n in by_reason.items())
            + "."
        )
    else:
        lines.append("Số phiếu không hợp lệ: 0.")
    return lines


def _threshold_text(ballot: Ballot) -> str:
    result = ballot.result or {}
    base = int(result.get("base", 0))
    threshold = Fraction(ballot.threshold)
    need = votes_needed(threshold, ballot.strict, base)
    relation = "trên" if ballot.strict else "từ"
    return (
        f"Người được chọn phải đạt {relation} {_fraction_text(threshold)} ({_pct(threshold)}) "
        f"{_BASES[ballot.base]}: cần {relation} {_fraction_text(threshold)} của {base} {_BASE_UNITS[ballot.base]}, "
        + (f"tức ít nhất {need} phiếu" if need is not None else "không ứng viên nào có thể đạt")
        + (f"; chọn tối đa {ballot.seats} người có số phiếu cao nhất." if ballot.seats else ".")
    )


def _results_section(ballot: Ballot) -> Section:
    result = ballot.result or {}
    header, rows = _count_rows(ballot)
    warnings = [f"Lưu ý: {w}" for w in result.get("warnings", [])]
    return Section(
        heading="III. KẾT QUẢ KIỂM PHIẾU",
        paragraphs=[*_figures(ballot), _threshold_text(ballot), "Kết quả kiểm phiếu từng ứng viên như sau:"],
        table_header=header,
        table_rows=rows,
        table_center=_count_center(ballot),
        after=[*_outcome(ballot), *warnings],
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _notes_section(ballot: Ballot) -> Section:
    remarks, complaints = _lines(ballot.remarks), _lines(ballot.complaints)
    paragraphs = (
        ["Nhận xét của Ban kiểm phiếu:", *remarks]
        if remarks
        else ["Nhận xét của Ban kiểm phiếu: không có nhận xét khác."]
    )
    paragraphs += (
        ["Khiếu nại, kiến nghị về việc bỏ phiếu và kiểm phiếu:", *complaints]
        if complaints
        else ["Khiếu nại, kiến nghị về việc bỏ phiếu và kiểm phiếu: không có."]
    )
    return Section(heading="IV. NHẬN XÉT, KHIẾU NẠI VÀ KIẾN NGHỊ", paragraphs=paragraphs)


def minutes_number(ballot: Ballot) -> str:
    """ "Số: 02/BB-KP" from the conference's register; blank to fill by hand when the count gave none."""
    n = ballot.minutes_number
    return f"Số: {n:02d}/BB-KP" if n else "Số:      /BB-KP"


def _signatures(board: list[CountingBoardMember]) -> list[Signature]:
    chair = [m for m in board if m.is_chair]
    others = [m for m in board if not m.is_chair]
    return [Signature("TRƯỞNG BAN KIỂM PHIẾU", m.name) for m in chair] + [
        Signature("THÀNH VIÊN BAN KIỂM PHIẾU", m.name) for m in others
    ]


def tally_minutes(ballot: Ballot) -> AdminDocument:
    """The vote-counting minutes of a tallied ballot (biên bản kiểm phiếu): the board and the time of the
    count, the rules, roll and candidates with every change and its reason, the figures and each
    candidate's votes against what its threshold needed, the outcome, remarks and complaints, a signature
    for every board member, and the hashes of the box and the result."""
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValueError("chỉ lập biên bản kiểm phiếu cho phiếu đã kiểm")
    conference = ballot.conference
    board = list(conference.counting_board.order_by("-is_chair", "name"))
    counted_on = timezone.localtime(ballot.counted_at).date() if ballot.counted_at else conference.held_on
    meeting = meeting_text(conference)
    issuer_parent = (
        conference.council_name.upper()
        if conference.cluster_year is None
        else conference.cluster_year.cluster.name.upper()
    )
    title = ballot.title[:1].lower() + ballot.title[1:]
    opening = [
        f"Hôm nay, {format_date_decree30(counted_on)}, tại {conference.place}, {meeting}, Ban kiểm phiếu "
        f"tiến hành kiểm phiếu {title} (vòng {ballot.round_number}).",
    ]
    end = timezone.localtime(ballot.counted_at) if ballot.counted_at else None
    closing = [
        (f"Việc kiểm phiếu kết thúc lúc {_clock(end)}, {format_date_decree30(end.date())}. " if end else "")
        + f"Biên bản được lập xong, đọc lại trước {_noun(conference)} và được các thành viên Ban kiểm phiếu "
        "thống nhất ký "
        "tên dưới đây."
    ]
    hashes = [
        f"Mã băm chuỗi các lần nhập phiếu giấy: {ballot.box_hash}."
        if ballot.mode == BallotMode.PAPER
        else f"Mã băm hòm phiếu: {ballot.box_hash}."
    ]
    if ballot.receipts_hash:
        hashes.append(f"Mã băm danh sách biên nhận: {ballot.receipts_hash}.")
    hashes.append(f"Mã băm kết quả: {ballot.result_hash}.")
    return AdminDocument(
        issuer_parent=issuer_parent,
        issuer="BAN KIỂM PHIẾU",
        number=minutes_number(ballot),
        place=conference.place.split(",")[0],
        date=counted_on,
        title="BIÊN BẢN KIỂM PHIẾU",
        subtitle=f"{ballot.title} (vòng {ballot.round_number})",
        paragraphs=opening,
        sections=[
            _board_section(ballot, board),
            _rules_section(ballot),
            _results_section(ballot),
            _notes_section(ballot),
        ],
        closing=closing,
        signatures=_signatures(board),
        footer_note=" ".join(hashes),
    )


# -------------------------------------------------------------------------------- the conference minutes


def _council_members_section(conference: Conference, ballots: list[Ballot]) -> Section:
    """A council session's attendance: the council, its size and basis, and each vote's members present
    (the roll lists every member; those present received a ballot)."""
    paragraphs = [
        f"{conference.council_name}"
        + (f" ({conference.council_basis})" if conference.council_basis else "")
        + f", gồm {conference.council_size} thành viên."
    ]
    for b in ballots:
        paragraphs.append(
            f"{b.title} (vòng {b.round_number}): {b.checked_in}/{b.electorate} thành viên có mặt nhận phiếu."
        )
    board = list(conference.counting_board.all())
    if board:
        paragraphs.append(
            "Ban kiểm phiếu do Hội đồng bầu: "
            + ", ".join(f"{m.name}{' (Trưởng ban)' if m.is_chair else ''}" for m in board)
            + "."
        )
    return Section(heading="I. THÀNH PHẦN THAM DỰ", paragraphs=paragraphs)


def _delegates_section(conference: Conference) -> Section:
    assert conference.cluster_year is not None
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
            + (f", ký {format_date_decree30(covenant.signed_on)}" if covenant.signed_on else ", chưa ký xong")
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
        lines.append(f"{_noun(conference).capitalize()} không có nội dung cần biểu quyết.")
    return Section(heading=f"III. CÁC NỘI DUNG {_noun(conference).upper()} ĐÃ THỐNG NHẤT", paragraphs=lines)


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
        _council_members_section(conference, ballots)
        if conference.is_council
        else _delegates_section(conference),
        Section(
            heading=f"II. CHƯƠNG TRÌNH {_noun(conference).upper()}",
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
                    f"{_noun(conference).capitalize()} tiến hành {len(ballots)} cuộc bỏ phiếu kín; Ban kiểm phiếu lập biên bản kiểm phiếu "
                    "riêng cho từng cuộc."
                ],
            )
        )
        for i, b in enumerate(ballots, start=1):
            header, rows = _count_rows(b)
            sections.append(
                Section(
                    heading=f"{i}. {b.title} (vòng {b.round_number})",
                    paragraphs=[
                        *(
                            [f"Biên bản kiểm phiếu số {b.minutes_number:02d}/BB-KP."]
                            if b.minutes_number
                            else []
                        ),
                        rules_text(b),
                        *([rule_basis_text(b)] if b.rule_citation else []),
                        *candidates_text(b),
                        _totals_text(b),
                    ],
                    table_header=header,
                    table_rows=rows,
                    table_center=_count_center(b),
                    after=_outcome(b),
                )
            )
    opening = [
        f"Thời gian: {format_date_decree30(conference.held_on)}.",
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
        subtitle=meeting_text(conference),
        paragraphs=opening,
        sections=sections,
        closing=[
            f"{_noun(conference).capitalize()} kết thúc cùng ngày. Biên bản được lập xong, đọc lại cho "
            f"{_noun(conference)} nghe và thông qua."
        ],
        signatures=[
            Signature("THƯ KÝ", conference.secretary_name),
            Signature(f"CHỦ TRÌ {_noun(conference).upper()}", conference.chair_name),
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
