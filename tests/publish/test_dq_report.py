"""The analyst's data-quality report (DESIGN.md section 7, issue 20 item 8) on a warehouse holding two quarters: when
it was generated, the quarter's returns with due and received dates and working days late, the rejection-rate and
timeliness charts (one series per agency, each point as computed by hand, the same numbers in tables), every number
formatted, and a hostile file name never reaching the page as markup (nor at all: the report names files by sha256).
"""

import datetime as dt
import hashlib
import html
import re
import xml.etree.ElementTree as ET

import pytest

from tests.police_files import PPN_HEADER, ppn_file
from transforms import warehouse
from transforms.pipeline import run
from transforms.publish import charts, dq_report

pytestmark = pytest.mark.usefixtures("fixed_child_population")

NOW = dt.datetime(2026, 11, 30, 10, 15, 42, tzinfo=dt.UTC)
HOSTILE = "<img src=x onerror=alert(1)>.csv"
LADO_HEADER = "Case ID,Contact Date,Contact Type,Referrer Type,Subject Sector"
SVG = "{http://www.w3.org/2000/svg}"
# When each file arrived (UTC). Due dates: 2026-06 -> 21 July 2026, 2026-09 -> 21 October 2026 (15 working days).
RECEIVED = {"ppn_q1.xlsx": "2026-07-14T09:00:00.000000+00:00",  # on time
            "lado_q1.csv": "2026-07-20T16:30:00.000000+00:00",  # on time
            "ppn_q2.xlsx": "2026-10-20T08:00:00.000000+00:00",  # on time
            HOSTILE: "2026-10-27T11:00:00.000000+00:00",  # a resubmission, late; the first file decides on time
            "lado_q2.csv": "2026-10-23T12:00:00.000000+00:00"}  # Friday: 2 working days after Wednesday the 21st


def ppn_rows(month: int, good: int, bad: int) -> list[list]:
    """`good` rows and `bad` rows with an unreadable incident date (rejected: the row cannot be counted)."""
    rows = [[f"P{month}{i}", f"N{i}", f"0{i + 1}/{month:02d}/2026", f"1{i}/{month:02d}/2026", "Child concern", "Y"]
            for i in range(good)]
    return rows + [[f"PX{month}{i}", f"N{i}", "not a date", f"10/{month:02d}/2026", "Child concern", "Y"]
                   for i in range(bad)]


def lado_csv(path, month: int, good: int, blank_ids: int):
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [f"L{month}{i},0{i + 1}/{month:02d}/2026,Referral,Police,Education" for i in range(good)]
    rows += [f",0{i + 1}/{month:02d}/2026,Referral,Police,Education" for i in range(blank_ids)]  # rejected: no id
    path.write_text("\n".join([LADO_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def quiet_run(landing, period, out, url):
    return run(str(landing), period, str(out), url, progress=lambda line: None)


def set_received(url):
    registry = warehouse.raw_submission
    with warehouse.engine(url).begin() as conn:
        for name, when in RECEIVED.items():
            conn.execute(registry.update().where(registry.c.file_name.like(f"%{name}")).values(received_at=when))


@pytest.fixture
def two_quarters(tmp_path, warehouse_url):
    """Police and LADO returns for 2026-06 and 2026-09 in one warehouse; in 2026-09 police resubmit as a CSV whose
    name is markup. Returns (warehouse url, the hostile file's sha256)."""
    out = tmp_path / "out"
    q1 = tmp_path / "q1"
    ppn_file(q1, "ppn_q1.xlsx", ppn_rows(5, good=3, bad=1))  # police 2026-06: 1 of 4 rejected
    lado_csv(q1 / "landing" / "lado" / "lado_q1.csv", 5, good=3, blank_ids=0)  # LADO 2026-06: 0 of 3
    quiet_run(q1 / "landing", "2026-06", out, warehouse_url)
    q2 = tmp_path / "q2"
    ppn_file(q2, "ppn_q2.xlsx", ppn_rows(8, good=2, bad=1))  # replaced below: its 1 of 3 must not count
    lado_csv(q2 / "landing" / "lado" / "lado_q2.csv", 8, good=3, blank_ids=1)  # LADO 2026-09: 1 of 4
    quiet_run(q2 / "landing", "2026-09", out, warehouse_url)
    set_received(warehouse_url)
    hostile = q2 / "landing" / "police" / HOSTILE
    hostile.write_text("\n".join([",".join(PPN_HEADER), *(",".join(r) for r in ppn_rows(8, good=3, bad=2))]) + "\n",
                       encoding="utf-8")  # police 2026-09, latest file: 2 of 5 rejected
    quiet_run(q2 / "landing", "2026-09", out, warehouse_url)
    set_received(warehouse_url)
    return warehouse_url, hashlib.sha256(hostile.read_bytes()).hexdigest()


def svgs(page: str) -> dict[str, ET.Element]:
    """The page's charts by their aria-label, parsed (the SVG is well-formed XML)."""
    found = {}
    for text in re.findall(r"<svg .*?</svg>", page, re.S):
        element = ET.fromstring(text)
        found[element.get("aria-label")] = element
    return found


def points(chart: ET.Element) -> dict[str, dict[str, str]]:
    """{series: {quarter: value as shown}} from the chart's markers."""
    return {group.get("data-series"): {marker.get("data-category"): marker.get("data-value")
                                       for marker in group if marker.get("class") == "point"}
            for group in chart.iter(f"{SVG}g") if group.get("class") == "line"}


def visible_text(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_report_reads_two_quarters_with_charts_formatted_numbers_and_no_markup_from_a_file_name(
        two_quarters, tmp_path):
    url, hostile_sha = two_quarters
    started = dt.datetime.now()
    path = dq_report.write_dq_report("2026-09", url, tmp_path / "data_quality_2026-09.html", now=NOW)
    assert (dt.datetime.now() - started).total_seconds() < 30
    page = path.read_text(encoding="utf-8")
    text = visible_text(page)

    # when and what
    assert "<time datetime='2026-11-30T10:15Z'>2026-11-30T10:15Z</time> (UTC)" in page
    assert "Data quality: Q2 2026/27, quarter ending 30 September 2026" in text
    assert "What this report is" in text

    # the quarter's returns: due, received, working days late
    returns = re.search(r"id='submissions'.*?</table>", page, re.S).group(0)
    row = {r[0]: r for r in (re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in re.findall(r"<tr>.*?</tr>", returns))
           if r}
    lado, police = row["LADO"], row["Police"]
    assert lado[1:6] == ["LADO allegations", "2026-10-21", "2026-10-23 12:00", "2", "Late"], lado
    ppn = next(r for r in re.findall(r"<tr>.*?</tr>", returns) if "Public protection notices" in r)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", ppn)
    # received: the first readable file (on time); rows: the latest file (the resubmission, by its sha256 prefix)
    assert cells[2:10] == ["2026-10-21", "2026-10-20 08:00", "0", "On time", "2", hostile_sha[:12], "5", "40.0%"]
    assert police[0] == "Police" and "<td class='missing'>Overdue</td>" in returns and "28 so far" in returns

    # charts: one series per agency, each point as computed by hand
    found = svgs(page)
    rejected = found["Rejected rows by agency, % of rows read, by quarter"]
    assert points(rejected) == {"Police": {"2026-06": f"{100 * 1 / 4:.1f}%", "2026-09": f"{100 * 2 / 5:.1f}%"},
                                "LADO": {"2026-06": f"{100 * 0 / 3:.1f}%", "2026-09": f"{100 * 1 / 4:.1f}%"}}
    late = points(found["Working days late by agency, by quarter"])
    assert set(late) == {"Children's social care", "Police", "Health", "Education", "LADO", "Partnership"}
    assert late["LADO"] == {"2026-06": "0 working days", "2026-09": "2 working days"}  # its one return
    # nothing from social care as of 30 November 2026: after 21 October 28 working days; after 21 July 93 (the
    # summer bank holiday, 31 August, not counted)
    assert late["Children's social care"] == {"2026-06": "93 working days", "2026-09": "28 working days"}
    # police sent one return of three on time: the two never sent make the agency late
    assert late["Police"] == late["Children's social care"]
    for chart in (rejected, found["Working days late by agency, by quarter"]):
        assert chart.get("role") == "img" and chart.find(f"{SVG}title") is not None
        assert chart.find(f"{SVG}desc").text.startswith(next(iter(points(chart))))
        assert len([g for g in chart.iter(f"{SVG}g") if g.get("class") == "legend-item"]) == len(points(chart))
    ys = {m.get("data-category"): float(m.get("cy") or m.get("y") or 0) for g in rejected.iter(f"{SVG}g")
          if g.get("data-series") == "LADO" for m in g if m.get("class") == "point"}
    assert ys["2026-09"] < ys["2026-06"], "25% is drawn above 0%"
    # the same numbers in the tables under the charts
    assert "40.0% (2 of 5)" in text and "25.0% (1 of 4)" in text and "0.0% (0 of 3)" in text
    assert "2 (1 of 1 late)" in text and "93 (2 of 3 not received)" in text and "28 (3 of 3 not received)" in text

    # what it showed before: files, duplicates, the review queue, values not read
    for heading in ("Files registered for Q2 2026/27", "Duplicate person records", "Match review queue",
                    "Values we could not read", "Rejected rows by agency"):
        assert heading in text

    # every number formatted: no float noise anywhere (attributes and coordinates included), counts grouped
    assert re.findall(r"\d\.\d{2,}", re.sub(r"<style>.*?</style>", "", page, flags=re.S)) == []
    for cell in re.findall(r"<td class='num[^']*'>([^<]*)</td>", page):
        assert re.fullmatch(r"(\d{1,3}(,\d{3})*(\.\d)?%?( so far| \(.*\))?)?|no rows read|nothing loaded|"
                            r"not yet due|no data", cell), cell

    # the hostile file name never reaches the page, as markup or otherwise; its file is there by sha256
    assert "<img" not in page.lower() and "onerror" not in page.lower() and "alert(" not in page
    assert hostile_sha[:12] in page


def test_hostile_words_are_escaped_in_charts_and_tables():
    name = "<img src=x onerror=alert(1)>"
    svg = charts.multi_line_chart(["2026-09"], [(name, [12.345])], "percent", f"{name} chart", name)
    assert "<img" not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert ET.fromstring(svg).get("aria-label") == f"{name} chart"
    assert "12.3%" in svg and "12.34" not in svg
    table = dq_report._table(dq_report.pd.DataFrame({"Agency": [name], "Rows": ["1,234"]}), {"Rows"})
    assert "<img" not in table and "&lt;img" in table


def test_numbers_are_written_as_the_analyst_reads_them():
    assert dq_report.count(1234567) == "1,234,567" and dq_report.count(None) == ""
    assert dq_report.percent(1, 3) == "33.3%" and dq_report.percent(1, 0) == "" and dq_report.percent(0, 7) == "0.0%"
    assert dq_report.generated_at(dt.datetime(2026, 12, 5, 21, 24, 59, tzinfo=dt.timezone(dt.timedelta(hours=1)))) \
        == "2026-12-05T20:24Z"
    assert dq_report.quarter_label("2027-03") == "Q4 2026/27"
    for high, unit in ((0, "percent"), (3.098786828422877, "percent"), (0.04, "percent"), (100, "percent"),
                       (0, "days"), (7, "days"), (92, "days"), (1234, "days")):
        top, step = charts._nice_axis(high, unit)
        assert top >= high and round(top / step) <= 6
        ticks = [charts._tick_text(step * i, step, unit) for i in range(round(top / step) + 1)]
        assert all(re.fullmatch(r"[\d,]+(\.\d)?%?", t) for t in ticks), ticks
        assert len(set(ticks)) == len(ticks)
        if unit == "days":
            assert step == int(step)
