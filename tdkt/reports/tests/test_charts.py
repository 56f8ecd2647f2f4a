import json
import re
from pathlib import Path
from typing import Any

from tdkt.reports.charts import ranking_chart, robustness_chart, vn_tick
from tdkt.scoring.jsonio import run

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "score-quang-nam-2024.json"


def _result() -> dict[str, Any]:
    return run(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def test_ranking_chart_is_an_svg_with_the_unit_names() -> None:
    svg = ranking_chart(_result()["ranking"]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Huyện Tiên Phước" in svg  # text kept as text (svg.fonttype none): readable and searchable


def test_robustness_chart_renders_svg_and_png() -> None:
    result = _result()
    names = {row["id"]: row["name"] for row in result["ranking"]}
    svg = robustness_chart(result["robustness"], names).decode()
    assert "Tiêu chí quyết định thứ tự" in svg
    png = robustness_chart(result["robustness"], names, fmt="png")
    assert png.startswith(b"\x89PNG")


def test_the_same_result_draws_the_same_svg() -> None:
    rows = _result()["ranking"]
    assert ranking_chart(rows) == ranking_chart(rows)


def test_axis_ticks_and_labels_are_written_the_vietnamese_way() -> None:
    """Regression: the robustness chart's axis read `−0.5`, `1.0` (matplotlib's English decimals)."""
    result = _result()
    names = {row["id"]: row["name"] for row in result["ranking"]}
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", robustness_chart(result["robustness"], names).decode())
    texts += re.findall(r"<text[^>]*>([^<]*)</text>", ranking_chart(result["ranking"]).decode())
    assert not [t for t in texts if re.fullmatch(r"[−-]?\d+\.\d+", t.strip())]
    assert any(re.fullmatch(r"\d+,\d+", t.strip()) for t in texts)


def test_a_tick_reads_with_a_decimal_comma_a_thousands_dot_and_a_true_minus() -> None:
    assert [vn_tick(v) for v in (0.0, 0.5, -1.5, 2.0, 1000.0, 0.1 + 0.2)] == [
        "0",
        "0,5",
        "−1,5",
        "2",
        "1.000",
        "0,3",
    ]
