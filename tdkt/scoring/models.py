"""Criteria sets (versioned), their criteria with scoring methods, layer scores, the cross-scoring
assignment, answers to discrepancy flags, and published scoring runs (immutable)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from tdkt.clusters.models import ClusterYear
from tdkt.org.models import Unit
from tdkt.scoring import jsonio


class SetStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ADOPTED = "adopted", "Đã thông qua"
    LOCKED = "locked", "Đã khóa"


class CriteriaSet(models.Model):
    """A version of a cluster-year's criteria and scoring method. An amendment after adoption makes a
    new version (with its date and reason); a locked version never changes."""

    cluster_year = models.ForeignKey(ClusterYear, on_delete=models.PROTECT, related_name="criteria_sets")
    version = models.PositiveSmallIntegerField("phiên bản")
    status = models.CharField("trạng thái", max_length=8, choices=SetStatus.choices, default=SetStatus.DRAFT)
    amends = models.ForeignKey(
        "self",
        verbose_name="sửa đổi phiên bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField("lý do sửa đổi", blank=True)
    adopted_on = models.DateField("ngày thông qua", null=True, blank=True)
    declared_total = models.DecimalField("tổng điểm khai báo", max_digits=10, decimal_places=4)
    rules = models.JSONField("quy tắc", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster_year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["cluster_year", "version"], name="criteria_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"Bộ tiêu chí {self.cluster_year} – phiên bản {self.version}"


class CriterionKind(models.TextChoices):
    GROUP = "group", "Nhóm"
    SCORE = "score", "Tiêu chí"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField("mã", max_length=20)
    name = models.CharField("tên", max_length=400)
    kind = models.CharField("loại", max_length=8, choices=CriterionKind.choices)
    max_points = models.DecimalField("điểm tối đa", max_digits=10, decimal_places=4)
    method = models.JSONField("phương pháp chấm", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Layer(models.TextChoices):
    SELF = "self", "Tự chấm"
    CROSS = "cross", "Chấm chéo"
    APPRAISAL = "appraisal", "Thẩm định"


class Score(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị được chấm", on_delete=models.PROTECT, related_name="+"
    )
    layer = models.CharField("lớp điểm", max_length=10, choices=Layer.choices)
    scorer_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị chấm chéo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField("điểm", max_digits=10, decimal_places=4)
    explanation = models.TextField("giải trình", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)
    # raised by one at every change: a write read at an older version is refused (tdkt.core.versions)
    version = models.PositiveIntegerField("phiên bản", default=1)
    # an appraisal: who entered it as published (name and unit, kept as they stood then), whether the
    # board did, and the board's confirmation (needed when it moves a total too much or changes the leader)
    entered_as = models.CharField("người thẩm định", max_length=300, blank=True)
    by_board = models.BooleanField("Ban Thi đua – Khen thưởng nhập", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_as = models.CharField("người xác nhận", max_length=300, blank=True)
    confirmed_at = models.DateTimeField("ngày xác nhận", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "unit", "layer"],
                condition=Q(scorer_unit__isnull=True),
                name="score_one_per_layer",
            ),
            models.UniqueConstraint(
                fields=["criterion", "unit", "scorer_unit"],
                condition=Q(layer="cross"),
                name="score_one_per_scorer",
            ),
            models.CheckConstraint(
                condition=(Q(layer="cross") & Q(scorer_unit__isnull=False))
                | (~Q(layer="cross") & Q(scorer_unit__isnull=True)),
                name="score_scorer_only_for_cross",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_layer_display()} {self.criterion.code} – {self.unit}: {self.points}"


class CrossAssignment(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="assignments")
    scorer = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    scored = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "scorer", "scored"], name="cross_assignment_unique"
            ),
            models.CheckConstraint(condition=~Q(scorer=models.F("scored")), name="cross_assignment_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.scorer} chấm {self.scored}"


class DiscrepancyAnswer(models.Model):
    """A unit's answer to a flag raised where its self score and the final score differ too much."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField("giải trình")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "unit"], name="discrepancy_answer_unique")
        ]

    def __str__(self) -> str:
        return f"Giải trình {self.criterion.code} – {self.unit}"


class ScoringRun(models.Model):
    """A published ranking. Immutable: the exact inputs fed to the engine (their canonical JSON text, the
    bytes their SHA-256 is taken of), the hash, the engine version and the summary of the result are
    stored, so anyone can recompute and compare (`tdkt score verify`). The explanations are not stored:
    `result` writes them again from the inputs, and shows them only if that gives the stored summary."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveSmallIntegerField("lần công bố")
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("lý do công bố lại", blank=True)
    inputs_text = models.TextField("dữ liệu vào (JSON chuẩn tắc)")
    inputs_hash = models.CharField(max_length=64)
    engine_version = models.CharField(max_length=20)
    summary = models.JSONField("kết quả (tóm tắt)")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="scoring_run_number_unique")
        ]

    def __str__(self) -> str:
        return f"Kết quả chấm điểm {self.criteria_set.cluster_year} – lần {self.number}"

    @cached_property
    def inputs(self) -> dict[str, Any]:
        """The stored inputs as a document (the `tdkt score --input` format)."""
        document: dict[str, Any] = json.loads(self.inputs_text)
        return document

    @cached_property
    def result(self) -> dict[str, Any]:
        """The published ranking with its explanations, as `jsonio.run` gives it (`jsonio.explain_summary`)."""
        return jsonio.explain_summary(self.summary, self.inputs)
