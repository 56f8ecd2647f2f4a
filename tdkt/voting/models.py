"""Conferences and secret ballots.

Secrecy by construction: a `Voter` row (the roll) holds the hash of a one-time code and whether it was
used, with no time and no link to what was cast; a `CastBallot` row (the box) holds the choices, the hash
of the voter's receipt and its place in a hash chain, with no voter, no user and no time. Casting is not
written to the audit trail (a timed audit row would link the two); the box's hash chain is the record.
"""

from __future__ import annotations

from django.db import models

from tdkt.clusters.models import ClusterYear
from tdkt.org.models import Unit


class ConferenceKind(models.TextChoices):
    MID_YEAR = "mid_year", "Hội nghị sơ kết 6 tháng"
    YEAR_END = "year_end", "Hội nghị tổng kết năm"
    COVENANT = "covenant", "Hội nghị ký kết giao ước thi đua"


class Conference(models.Model):
    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField("loại hội nghị", max_length=10, choices=ConferenceKind.choices)
    held_on = models.DateField("ngày họp")
    place = models.CharField("địa điểm", max_length=300)
    host = models.ForeignKey(Unit, verbose_name="đơn vị đăng cai", on_delete=models.PROTECT, related_name="+")
    agenda = models.TextField("chương trình", blank=True)

    class Meta:
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cluster_year} ({self.held_on:%d/%m/%Y})"


class BallotPurpose(models.TextChoices):
    FLAG = "flag", "Suy tôn đơn vị dẫn đầu đề nghị tặng Cờ thi đua"
    MERIT = "merit", "Đề nghị tặng Bằng khen"
    HEAD = "head", "Bầu Trưởng cụm năm sau"
    DEPUTY = "deputy", "Bầu Phó Trưởng cụm năm sau"
    OTHER = "other", "Nội dung khác"


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
    method = models.CharField("cách bỏ phiếu", max_length=10, default="choose_k")
    max_choices = models.PositiveSmallIntegerField("số lựa chọn tối đa", default=1)
    seats = models.PositiveSmallIntegerField("số người được chọn", null=True, blank=True)
    quorum = models.CharField("tỷ lệ tham gia tối thiểu", max_length=20, default="2/3")
    threshold = models.CharField("ngưỡng trúng", max_length=20, default="1/2")
    strict = models.BooleanField("phải vượt ngưỡng", default=True)
    base = models.CharField("cơ sở tính tỷ lệ", max_length=10, default="valid")
    status = models.CharField(
        "trạng thái", max_length=8, choices=BallotStatus.choices, default=BallotStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    electorate = models.PositiveIntegerField("số cử tri", default=0)  # frozen when the ballot opens
    box_hash = models.CharField(max_length=64, blank=True)  # the chain's head, fixed when the box closes
    result = models.JSONField(null=True, blank=True)
    result_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["conference", "id"]

    def __str__(self) -> str:
        return f"{self.title} (vòng {self.round_number})"


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


class Voter(models.Model):
    """One line of the frozen roll. `code_hash` is the SHA-256 of the one-time code handed to the voter;
    the code itself is never stored. `used` has no time and no link to the box."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="voters")
    name = models.CharField("họ tên", max_length=200)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["ballot", "name"]

    def __str__(self) -> str:
        return self.name


class CastBallot(models.Model):
    """A ballot in the box: choices, the hash of the receipt, and the hash chain. Nothing about who or when."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="box")
    marks = models.JSONField(default=list)  # sorted candidate names
    against = models.JSONField(default=list)
    receipt_hash = models.CharField(max_length=64, unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "previous_hash"], name="cast_ballot_chain_no_fork")
        ]

    def __str__(self) -> str:
        return f"Phiếu {self.entry_hash[:12]}…"
