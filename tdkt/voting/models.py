"""Conferences and secret ballots.

Secrecy by construction (docs/decisions/0006-ballot-secrecy.md): the roll (`Voter`) says who received a
slip, never which; the codes (`BallotCode`) are anonymous, keyed-hashed per ballot, with no link to the roll
and no time; the box (`CastBallot`) holds choices only, and the receipts (`BoxReceipt`) are a separate list
with no link to the ballots. Box, receipts and codes have random ids and are rewritten in a canonical order
when the box closes, so neither ids nor storage order keep the order of casting. Casting is not written to
the audit trail (a timed audit row would link voter and choice); the box's hashes, fixed at close and
printed in the minutes, are the record.

A ballot is electronic or paper as a whole (`Ballot.mode`), so no voter can be counted both ways. Paper
ballots are entered by a member of the counting board (`PaperEntry`: each ballot, or the totals) and count
only once a second, different member has confirmed them; an entry names the two members and never a voter,
and carries no time.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from tdkt.clusters.models import ClusterYear
from tdkt.movements.models import Covenant
from tdkt.org.models import Unit
from tdkt.scoring.models import CriteriaSet, ScoringRun


def random_id() -> int:
    """A primary key that says nothing about when its row was written."""
    return secrets.randbelow(2**62) + 1


def new_salt() -> str:
    return secrets.token_hex(16)


class ConferenceKind(models.TextChoices):
    MID_YEAR = "mid_year", "Hội nghị sơ kết 6 tháng"
    YEAR_END = "year_end", "Hội nghị tổng kết năm"
    COVENANT = "covenant", "Hội nghị ký kết giao ước thi đua"
    COUNCIL = "council", "Phiên họp Hội đồng Thi đua – Khen thưởng"


# Units whose name reads as a common noun after "Hội đồng Thi đua – Khen thưởng" ("… tỉnh Quảng Nam").
_LOWER_KINDS = frozenset({"tinh", "thanh_pho_tw", "huyen", "thi_xa", "thanh_pho", "xa", "phuong", "thi_tran"})


def council_name_of(unit: Unit) -> str:
    """The name of a unit's emulation council: "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam"."""
    name = unit.name[:1].lower() + unit.name[1:] if unit.kind in _LOWER_KINDS else unit.name
    return f"Hội đồng Thi đua – Khen thưởng {name}"


class Conference(models.Model):
    """A cluster's conference (its cluster-year), or a session of an emulation council (`council_of`: the
    province's council, or a unit's own) — exactly one of the two."""

    cluster_year = models.ForeignKey(
        ClusterYear, null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    council_of = models.ForeignKey(
        Unit,
        verbose_name="Hội đồng Thi đua – Khen thưởng của",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # a council session: how many members the council has (every ballot's roll lists them all) and the
    # decision that set it up
    council_size = models.PositiveSmallIntegerField("số thành viên Hội đồng", null=True, blank=True)
    council_basis = models.CharField("quyết định thành lập, kiện toàn Hội đồng", max_length=300, blank=True)
    kind = models.CharField("loại hội nghị", max_length=10, choices=ConferenceKind.choices)
    held_on = models.DateField("ngày họp")
    place = models.CharField("địa điểm", max_length=300)
    host = models.ForeignKey(Unit, verbose_name="đơn vị đăng cai", on_delete=models.PROTECT, related_name="+")
    agenda = models.TextField("chương trình", blank=True)  # one item per line
    chair_name = models.CharField("chủ trì hội nghị", max_length=200, blank=True)
    secretary_name = models.CharField("thư ký hội nghị", max_length=200, blank=True)
    # what the conference decided (vote results are its ballots; next year's head and deputy are written
    # into the cluster's next year by `ballot_apply`)
    covenant = models.ForeignKey(
        Covenant,
        verbose_name="giao ước thi đua được ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name="bộ tiêu chí được sửa đổi (phiên bản mới)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusions = models.TextField("kết luận khác", blank=True)

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(cluster_year__isnull=False, council_of__isnull=True) & ~Q(kind="council")
                    | Q(cluster_year__isnull=True, council_of__isnull=False, kind="council")
                ),
                name="conference_cluster_or_council",
            )
        ]

    def __str__(self) -> str:
        if self.council_of_id is not None:
            return f"Phiên họp {self.council_name} ({self.held_on:%d/%m/%Y})"
        return f"{self.get_kind_display()} {self.cluster_year} ({self.held_on:%d/%m/%Y})"

    @property
    def is_council(self) -> bool:
        return self.council_of_id is not None

    @property
    def council_name(self) -> str:
        """The council that meets ("Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam"); blank for a cluster."""
        return council_name_of(self.council_of) if self.council_of is not None else ""

    @property
    def meeting_of(self) -> str:
        """Whose meeting it is, for pages and lists: the cluster-year, or the council."""
        return self.council_name if self.is_council else str(self.cluster_year)

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Delegate(models.Model):
    """A delegate a member unit sends to the conference; `votes` marks the one who votes for the unit."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="delegates")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("họ tên", max_length=200)
    position = models.CharField("chức vụ", max_length=200, blank=True)
    votes = models.BooleanField("đại biểu bỏ phiếu", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["conference", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "unit"], condition=Q(votes=True), name="delegate_one_voter_per_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CountingBoardMember(models.Model):
    """A member of the conference's counting board (ban kiểm phiếu), an account designated by the head's
    staff or the provincial board. Only these accounts change a roll, open, close and count the box and
    enter or confirm paper ballots."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="counting_board")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("họ tên", max_length=200)
    is_chair = models.BooleanField("trưởng ban", default=False)

    class Meta:
        ordering = ["conference", "-is_chair", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "user"], name="counting_board_member_unique"),
            models.UniqueConstraint(
                fields=["conference"], condition=Q(is_chair=True), name="counting_board_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BallotPurpose(models.TextChoices):
    FLAG = "flag", "Suy tôn đơn vị dẫn đầu đề nghị tặng Cờ thi đua"
    MERIT = "merit", "Đề nghị tặng Bằng khen"
    HEAD = "head", "Bầu Trưởng cụm năm sau"
    DEPUTY = "deputy", "Bầu Phó Trưởng cụm năm sau"
    COUNCIL = "council", "Hội đồng xét đề nghị khen thưởng"
    OTHER = "other", "Nội dung khác"


class BallotMethod(models.TextChoices):
    CHOOSE_K = "choose_k", "Chọn tối đa k người"
    YES_NO = "yes_no", "Đồng ý / không đồng ý với từng người"


class BallotBase(models.TextChoices):
    VALID = "valid", "Số phiếu hợp lệ"
    CAST = "cast", "Số phiếu thu về (cử tri có mặt bỏ phiếu)"
    ELECTORATE = "electorate", "Tổng số cử tri (toàn thể thành viên)"


class Electorate(models.TextChoices):
    DELEGATES = "delegates", "Mỗi đơn vị thành viên một đại biểu"
    COUNCIL = "council", "Thành viên Hội đồng (danh sách do Ban kiểm phiếu lập)"


class BallotMode(models.TextChoices):
    ELECTRONIC = "electronic", "Bỏ phiếu điện tử bằng mã một lần"
    PAPER = "paper", "Phiếu giấy, Ban kiểm phiếu nhập và xác nhận"


class BallotStatus(models.TextChoices):
    DRAFT = "draft", "Đang chuẩn bị"
    OPEN = "open", "Đang bỏ phiếu"
    CLOSED = "closed", "Đã đóng hòm phiếu"
    TALLIED = "tallied", "Đã kiểm phiếu"


class Ballot(models.Model):
    """One vote (a round) at a conference, with its rules as data."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="ballots")
    purpose = models.CharField("mục đích", max_length=8, choices=BallotPurpose.choices)
    title = models.CharField("tiêu đề", max_length=300)
    round_number = models.PositiveSmallIntegerField("vòng", default=1)
    previous_round = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(
        "cách bỏ phiếu", max_length=10, choices=BallotMethod.choices, default=BallotMethod.CHOOSE_K
    )
    max_choices = models.PositiveSmallIntegerField("số lựa chọn tối đa", default=1)
    seats = models.PositiveSmallIntegerField("số người được chọn", null=True, blank=True)
    quorum = models.CharField("tỷ lệ tham gia tối thiểu", max_length=20, default="2/3")
    threshold = models.CharField("ngưỡng trúng", max_length=20, default="1/2")
    strict = models.BooleanField("phải vượt ngưỡng", default=True)
    base = models.CharField("cơ sở tính tỷ lệ", max_length=10, choices=BallotBase.choices, default="valid")
    electorate_kind = models.CharField(
        "cử tri", max_length=10, choices=Electorate.choices, default=Electorate.DELEGATES
    )
    mode = models.CharField(
        "hình thức", max_length=10, choices=BallotMode.choices, default=BallotMode.ELECTRONIC
    )
    # a council electorate: which council, and how many members it has (the roll may not exceed it)
    council_name = models.CharField("hội đồng bỏ phiếu", max_length=300, blank=True)
    council_size = models.PositiveSmallIntegerField("số thành viên hội đồng", null=True, blank=True)
    # where the default candidates came from: the published ranking (a run), or the member list
    scoring_run = models.ForeignKey(
        ScoringRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidates_source = models.CharField("nguồn danh sách ứng viên", max_length=300, blank=True)
    # a newer ranking published after the candidates were taken: kept only with a reason (see
    # `ballot_stale_confirm`), for the run named here
    stale_confirmed_run = models.ForeignKey(
        ScoringRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stale_reason = models.CharField("lý do giữ danh sách ứng viên", max_length=300, blank=True)
    status = models.CharField(
        "trạng thái", max_length=8, choices=BallotStatus.choices, default=BallotStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    electorate = models.PositiveIntegerField("số cử tri", default=0)  # frozen when the ballot opens
    # the key of this ballot's code hashes, with the server's secret key (see voting.box.code_hash)
    code_salt = models.CharField(max_length=32, default=new_salt, editable=False)
    # while open: counts only (no order, no time)
    pending_handouts = models.PositiveIntegerField("lượt phát phiếu chờ kích hoạt", default=0)
    cast_count = models.PositiveIntegerField("số phiếu đã nhận", default=0)
    # fixed when the box closes
    checked_in = models.PositiveIntegerField("số cử tri đã nhận phiếu", default=0)
    codes_issued = models.PositiveIntegerField("số mã đã in", default=0)
    codes_used = models.PositiveIntegerField("số mã đã dùng", default=0)
    codes_voided = models.PositiveIntegerField("số mã bị hủy khi đóng hòm", default=0)
    box_hash = models.CharField(max_length=64, blank=True)  # the box in canonical order, fixed at close
    receipts_hash = models.CharField(max_length=64, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    result_hash = models.CharField(max_length=64, blank=True)
    minutes_number = models.PositiveSmallIntegerField("số biên bản", null=True, blank=True)
    remarks = models.TextField("ghi chú của Ban kiểm phiếu", blank=True)
    complaints = models.TextField("khiếu nại, kiến nghị", blank=True)
    applied = models.BooleanField("đã ghi kết quả vào năm sau", default=False)  # head / deputy ballots
    # where the thresholds came from, when a rule set them (a council's ballot from a dossier's track)
    rule_citation = models.CharField("căn cứ của ngưỡng", max_length=500, blank=True)
    rule_tag = models.CharField("mức kiểm chứng của căn cứ", max_length=8, blank=True)

    class Meta:
        ordering = ["conference", "id"]

    def __str__(self) -> str:
        return f"{self.title} (vòng {self.round_number})"

    @property
    def is_paper(self) -> bool:
        return self.mode == BallotMode.PAPER


class Candidate(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="candidates")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("ứng viên", max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    added_reason = models.CharField("lý do đưa vào", max_length=300, blank=True)

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [models.UniqueConstraint(fields=["ballot", "name"], name="candidate_name_unique")]

    def __str__(self) -> str:
        return self.name


class RemovedCandidate(models.Model):
    """A candidate of the default list (the published ranking) left off the ballot, and why."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="removed_candidates")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("ứng viên", max_length=200)
    reason = models.CharField("lý do bỏ ra", max_length=300)

    class Meta:
        ordering = ["ballot", "id"]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """One line of the roll, frozen when the ballot opens. `received` says the voter was present and
    received a slip (or a paper ballot) from the counting board; never which slip, never when."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="voters")
    name = models.CharField("họ tên", max_length=200)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received = models.BooleanField("đã nhận phiếu", default=False)

    class Meta:
        ordering = ["ballot", "name"]

    def __str__(self) -> str:
        return self.name


class RollChange(models.Model):
    """A change the counting board made to the roll of a ballot in draft, with its reason (the minutes list
    them)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="roll_changes")
    number = models.PositiveSmallIntegerField()
    added = models.JSONField(default=list)
    removed = models.JSONField(default=list)
    reason = models.CharField("lý do", max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [models.UniqueConstraint(fields=["ballot", "number"], name="roll_change_number_unique")]

    def __str__(self) -> str:
        return f"Thay đổi danh sách cử tri lần {self.number}"


class CodeState(models.TextChoices):
    ISSUED = "issued", "Đã in, chưa phát"
    ACTIVE = "active", "Đã kích hoạt khi phát cho cử tri có mặt"
    USED = "used", "Đã dùng"
    VOID = "void", "Đã hủy khi đóng hòm"


class BallotCode(models.Model):
    """A one-time code printed on an anonymous slip. Stored only as a keyed hash; no link to the roll, no
    time. Usable only once activated, which needs a hand-out to a voter present (`Ballot.pending_handouts`)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=6, choices=CodeState.choices, default=CodeState.ISSUED)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "code_hash"], name="ballot_code_unique")]

    def __str__(self) -> str:
        return f"Mã {self.code_hash[:8]}…"


class CastBallot(models.Model):
    """A ballot in the box: the choices, nothing else — no voter, no code, no receipt, no time, and an id
    that says nothing about when it was cast."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="box")
    marks = models.JSONField(default=list)  # sorted candidate names
    against = models.JSONField(default=list)

    def __str__(self) -> str:
        return "Phiếu trong hòm"


class BoxReceipt(models.Model):
    """The hash of a receipt handed to a voter who cast: a list beside the box, with no link to any
    ballot, so a receipt proves that a ballot was received and counted without saying which."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="receipts")
    receipt_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"Biên nhận {self.receipt_hash[:8]}…"


class EntryKind(models.TextChoices):
    BALLOTS = "ballots", "Từng phiếu"
    TOTALS = "totals", "Số tổng hợp theo ứng viên"


class EntryStatus(models.TextChoices):
    PENDING = "pending", "Chờ thành viên thứ hai xác nhận"
    CONFIRMED = "confirmed", "Đã xác nhận"
    REJECTED = "rejected", "Đã hủy"


class PaperEntry(models.Model):
    """Paper ballots typed by one member of the counting board: each ballot (`content["ballots"]`, a list of
    {marks, against, spoiled}) or the totals (`content["totals"]`: cast, invalid, yes and no per
    candidate). It counts only once a second, different member confirms it; confirmed entries form a hash
    chain like the electronic box. Who entered and who confirmed are counting-board members, never voters;
    there is no time on the row."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="paper_entries")
    number = models.PositiveSmallIntegerField("lần nhập")
    kind = models.CharField("cách nhập", max_length=8, choices=EntryKind.choices)
    content = models.JSONField()
    cast = models.PositiveIntegerField("số phiếu")
    status = models.CharField(
        "trạng thái", max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["ballot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "number"], name="paper_entry_number_unique"),
            models.UniqueConstraint(
                fields=["ballot"], condition=Q(status="pending"), name="paper_entry_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by")),
                name="paper_entry_confirmed_by_another",
            ),
        ]

    def __str__(self) -> str:
        return f"Lần nhập {self.number} ({self.get_kind_display()})"
