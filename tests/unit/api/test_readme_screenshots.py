"""The README's dashboard screenshots exist and are the browser tests' PNGs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PNG = b"\x89PNG\r\n\x1a\n"


def test_readme_screenshots_are_committed_pngs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shots = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert sorted(shots) == [
        "docs/screenshots/backtest-compare.png",
        "docs/screenshots/overview.png",
    ]
    for shot in shots:
        data = (ROOT / shot).read_bytes()
        assert data[:8] == PNG, shot
        assert len(data) > 50_000, shot  # a rendered page, not a placeholder
    browser_tests = (ROOT / "tests/db/api/browser/test_views_browser.py").read_text()
    assert '("overview", "backtest-compare")' in browser_tests  # the tests take them
