import json
from pathlib import Path

from tdkt.reports.charts import ranking_chart, robustness_chart
from tdkt.scoring.jsonio import run

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "score-quang-nam-2024.json"


def _result() -> dict:  # type: ignore[type-arg]
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
