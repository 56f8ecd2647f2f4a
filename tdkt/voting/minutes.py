"""The vote-counting minutes (biên bản kiểm phiếu) of a tallied ballot, as an administrative document."""

from __future__ import annotations

from tdkt.reports.documents import AdminDocument, Signature
from tdkt.voting.models import Ballot, BallotStatus
from tdkt.voting.tally import percent

_BASES = {"valid": "số phiếu hợp lệ", "cast": "số phiếu thu về", "electorate": "tổng số cử tri"}


def _pct(text_fraction: str) -> str:
    from fractions import Fraction

    value = percent(Fraction(text_fraction))
    return format(value, "f").rstrip("0").rstrip(".").replace(".", ",") + "%"


def tally_minutes(ballot: Ballot) -> AdminDocument:
    """The minutes of a tallied ballot: the rules applied, the totals, the result and the hashes."""
    if ballot.status != BallotStatus.TALLIED or ballot.result is None:
        raise ValueError("chỉ lập biên bản kiểm phiếu cho phiếu đã kiểm")
    conference = ballot.conference
    cluster = conference.cluster_year.cluster
    result = ballot.result
    method = (
        f"mỗi phiếu chọn tối đa {ballot.max_choices} người"
        if ballot.method == "choose_k"
        else "mỗi phiếu ghi đồng ý hoặc không đồng ý với từng người"
    )
    relation = "trên" if ballot.strict else "từ"
    rules = (
        f"Quy tắc áp dụng: bỏ phiếu kín, {method}; tỷ lệ tham gia tối thiểu {_pct(ballot.quorum)} số cử tri; "
        f"người được chọn phải đạt {relation} {_pct(ballot.threshold)} {_BASES[ballot.base]}"
        + (f"; chọn {ballot.seats} người có số phiếu cao nhất." if ballot.seats else ".")
    )
    elected = ", ".join(result["elected"]) or "không có"
    closing = [f"Kết quả: {elected}."]
    if result["another_round"]:
        closing.append(f"Bằng phiếu ở vị trí cuối: {', '.join(result['another_round'])}; bỏ phiếu vòng sau.")
    if not result["quorum_met"]:
        closing.append("Số cử tri tham gia không đủ tỷ lệ tối thiểu: cuộc bỏ phiếu không có kết quả.")
    closing.append("Biên bản được lập xong và thông qua tại hội nghị.")
    return AdminDocument(
        issuer_parent=cluster.organiser.name.upper(),
        issuer=cluster.name.upper(),
        number=f"Số: {ballot.pk:02d}/BB-KP",
        place=conference.place.split(",")[0],
        date=conference.held_on,
        title="BIÊN BẢN KIỂM PHIẾU",
        subtitle=f"{ballot.title} (vòng {ballot.round_number})",
        paragraphs=[
            f"Hôm nay, ngày {conference.held_on:%d/%m/%Y}, tại {conference.place}, {conference} tiến hành kiểm "
            f"phiếu {ballot.title[:1].lower() + ballot.title[1:]}.",
            rules,
            f"Số cử tri trong danh sách: {result['electorate']}; số phiếu thu về: {result['cast']}; "
            f"số phiếu hợp lệ: {result['valid']}; số phiếu không hợp lệ: {len(result['invalid'])}.",
            "Kết quả kiểm phiếu như sau:",
        ],
        table_header=["STT", "Ứng viên", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả"],
        table_rows=[
            [
                str(i),
                c["candidate"],
                str(c["yes"]),
                c["percent"].replace(".", ",") + "%",
                "Đạt" if c["passes"] else "Không đạt",
            ]
            for i, c in enumerate(result["counts"], start=1)
        ],
        closing=closing,
        signatures=[Signature("THƯ KÝ"), Signature("TRƯỞNG BAN KIỂM PHIẾU"), Signature("CHỦ TRÌ HỘI NGHỊ")],
        footer_note=f"Mã băm hòm phiếu: {ballot.box_hash}. Mã băm kết quả: {ballot.result_hash}.",
    )
