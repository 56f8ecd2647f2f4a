# A published run stores the canonical JSON text of its inputs (the bytes the inputs hash is taken of) and
# the summary of its result; the explanations are written again from the inputs when a run is shown.

import json
from typing import Any

from django.db import migrations, models


def _canonical(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    """A frozen copy of tdkt.scoring.jsonio.summary_of (summary format 1)."""
    out = {k: v for k, v in result.items() if k != "ranking"}
    rows = list(result.get("ranking") or [])
    out["summary_format"] = 1
    out["criteria"] = [c["code"] for c in rows[0]["criteria"]] if rows else []
    out["ranking"] = [
        {
            **{k: v for k, v in row.items() if k != "criteria"},
            "points": [c["points"] for c in row["criteria"]],
            "sources": [c["source"] for c in row["criteria"]],
            "discrepancies": [c["code"] for c in row["criteria"] if c["discrepancy"]],
        }
        for row in rows
    ]
    return out


def forwards(apps: Any, schema_editor: Any) -> None:
    ScoringRun = apps.get_model("scoring", "ScoringRun")
    for run in ScoringRun.objects.order_by("pk").iterator(chunk_size=20):
        run.inputs_text = _canonical(run.inputs)
        run.summary = _summary(run.result)
        run.save(update_fields=["inputs_text", "summary"])


def fast_compression(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL compresses large values with pglz by default: storing a national publication (some
    20 MB of inputs) took 0.3 s more than with lz4 (measured). Where the server has lz4, use it."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        if cursor.fetchone() is None:
            return
        for column in ("inputs_text", "summary"):
            cursor.execute(f"ALTER TABLE scoring_scoringrun ALTER COLUMN {column} SET COMPRESSION lz4")


def backwards(apps: Any, schema_editor: Any) -> None:
    from tdkt.scoring import jsonio

    ScoringRun = apps.get_model("scoring", "ScoringRun")
    for run in ScoringRun.objects.order_by("pk").iterator(chunk_size=20):
        run.inputs = json.loads(run.inputs_text)
        run.result = jsonio.explain_summary(run.summary, run.inputs)
        run.save(update_fields=["inputs", "result"])


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="scoringrun",
            name="inputs_text",
            field=models.TextField(default="", verbose_name="dữ liệu vào (JSON chuẩn tắc)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="scoringrun",
            name="summary",
            field=models.JSONField(default=dict, verbose_name="kết quả (tóm tắt)"),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(fast_compression, migrations.RunPython.noop),
        # defaults only so that the reverse can add the columns back to existing rows
        migrations.AlterField(model_name="scoringrun", name="inputs", field=models.JSONField(default=dict)),
        migrations.AlterField(model_name="scoringrun", name="result", field=models.JSONField(default=dict)),
        migrations.RemoveField(model_name="scoringrun", name="inputs"),
        migrations.RemoveField(model_name="scoringrun", name="result"),
    ]
