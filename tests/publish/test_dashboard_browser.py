"""Every dashboard page in headless Chromium: no console errors, every chart drawn, nothing requested beyond
file://. Screenshots are saved as test artefacts in build/test-artefacts/dashboard/.
"""

import re
from pathlib import Path

import pytest

from synthetic.generate import generate
from tests.browser import chromium, requested_urls
from transforms.pipeline import run

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = PROJECT / "build" / "test-artefacts" / "dashboard"
RAW_CODE = re.compile(r"\b[A-Z0-9]+_[A-Z0-9_]+\b")  # e.g. ADVICE_INFORMATION: a code, never a label


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    generate(folder / "landing", "2026-09", scale=0.2, seed=4)
    run(str(folder / "landing"), "2026-09", str(folder / "out"), f"sqlite:///{folder / 'w.sqlite'}",
        progress=lambda line: None, approve="tester")  # the public profile's pages too (released on approval)
    return folder / "out" / "published"


def test_every_dashboard_page_loads_clean_offline_with_charts(published):
    pages = sorted(published.glob("dashboard/*.html")) + sorted(published.glob("public/dashboard/*.html"))
    assert (published / "public" / "dashboard" / "index.html").is_file()
    pages.append(published / "data_quality_2026-09.html")
    assert len(pages) >= 8
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver = chromium()
    try:
        for page in pages:
            driver.get(page.as_uri())
            errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
            assert errors == [], (page.name, errors)
            urls = requested_urls(driver)
            assert urls and all(u.startswith(("file://", "data:")) for u in urls), (page.name, urls)
            charts = driver.find_elements("css selector", "svg.chart")
            for chart in charts:
                drawn = chart.find_elements("css selector", "polyline.series, circle")
                empty = "no data to chart" in chart.get_attribute("innerHTML")
                assert drawn or empty, (page.name, chart.get_attribute("aria-label"))
                assert chart.size["width"] > 100 and chart.size["height"] > 100
            if page.parent.name == "dashboard" and page.name != "index.html":
                assert charts, f"{page.name} has no chart"
            if page.parent.name == "dashboard":
                assert driver.find_elements("css selector", "#rag-legend"), f"{page.name}: no RAG legend"
                labels = [e.text for e in driver.find_elements("css selector", "section.indicator td:first-child, "
                                                                               "figcaption, .card li, ul.overview li")]
                raw = [text for text in labels if RAW_CODE.search(text)]
                assert raw == [], (page.name, raw[:5])
            if page.name == "index.html" and page.parent.parent.name == "published":  # the internal overview
                headings = [e.text for e in driver.find_elements("css selector", "main h2")]
                assert {"Rated red", "Biggest movers on last quarter", "Caveats"} <= set(headings), headings
            name = f"{page.parent.parent.name}_{page.parent.name}_{page.stem}.png".replace("published_", "")
            driver.set_window_size(1366, max(900, driver.execute_script("return document.body.scrollHeight")))
            driver.save_screenshot(str(ARTEFACTS / name))
            driver.set_window_size(1366, 900)
    finally:
        driver.quit()
