"""``adaptlib report`` executed once, with papermill on the book's kernel, on a tiny matrix whose
costs are USD per query: the HTML page holds the numbers ``adaptlib oracle --format json`` gives,
formatted by magnitude, and nothing of the book's digits story."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from adaptlib.chapter.show import number_text, significant_text
from adaptlib.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.integration]

USD_COSTS = {"nano": 0.00012, "mini": 0.00045, "base": 0.0011, "large": 0.0031}
# "0.00", "0.0000": a number rounded away. This matrix has no true zero to show (no alpha_i
# interval reaching 0, no budget where the frontier equals the random mix), so none may appear.
ZERO_DECIMALS = re.compile(r"(?<![\d.])0\.0+(?![\d])")


def test_the_report_on_usd_costs_shows_the_oracles_numbers_by_magnitude(tmp_path, capsys):
    rng = np.random.default_rng(7)
    skill = rng.random(60)
    matrix = pd.DataFrame({name: (skill + 0.6 * rng.random(60) > threshold).astype(int)
                           for name, threshold in zip(USD_COSTS, (0.9, 0.6, 0.5, 0.55))})
    matrix["base"] = matrix["mini"] | matrix["base"]  # base beats mini; large may lose to base (Eq. 3)
    correct, costs = tmp_path / "correct.csv", tmp_path / "costs.csv"
    matrix.to_csv(correct, index=False)
    pd.DataFrame({"state": list(USD_COSTS), "cost": list(USD_COSTS.values())}).to_csv(costs, index=False)

    assert main(["oracle", str(correct), "--costs", str(costs), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    code = main(["report", str(correct), "--costs", str(costs), "--unit", "USD", "--n-boot", "200",
                 "-o", str(tmp_path / "report")])
    out, err = capsys.readouterr()
    assert code == 0, err
    page = tmp_path / "report" / "report.html"
    assert (tmp_path / "report" / "report.ipynb").is_file() and page.is_file()
    assert str(page) in out
    html = page.read_text(encoding="utf-8")

    expected = [significant_text(c, 4) for c in summary["costs"]]
    expected += [significant_text(summary[k]["cost"], 4) for k in ("oracle", "conservative", "optimistic")]
    expected += [number_text(100 * summary[k]["accuracy"], 2) for k in ("oracle", "conservative", "optimistic")]
    expected += [number_text(a, 4) for a in summary["alpha"][1:] if a is not None]
    missing = [text for text in expected if text not in html]
    assert not missing, f"not on the page: {missing}"
    assert "1.200 × 10⁻⁴" in html  # the cheapest cost, not 0.00
    assert not ZERO_DECIMALS.search(html), ZERO_DECIMALS.search(html).group()
    for digits_story in ("width family", "FLOPs", "digits family"):
        assert digits_story not in html
    assert "correct_path" not in html  # the parameters cell stays off the page
    if not summary["assumptions"]["accuracies_monotone"]:
        assert "Eq. 3 fails, so Eq. 8-9 use the Pareto states" in html
