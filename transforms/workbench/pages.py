"""Server-rendered HTML of the workbench pages: plain HTML and one inline style sheet (no script, no CDN), every
value escaped. Each function takes what `board`, `matches`, `values` and `lineage` return and gives a whole page.

Forms post back to the workbench with a `csrf` field the plugin checks (the pages are reached with Airflow's login
cookie, so a form on another site must not be able to post here in the user's name)."""

from __future__ import annotations

import html
import math
from urllib.parse import quote, urlencode

NAV = (("submissions", "Submissions"), ("matches", "Match review"), ("values", "Value map"),
       ("commentary", "Commentary"))
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#1d3557;color:#fff;padding:.6rem 1.2rem}header a{color:#fff;margin-right:1.2rem}
header strong{margin-right:2rem}main{padding:1rem 1.2rem;max-width:1400px}
table{border-collapse:collapse;margin:.5rem 0 1.2rem;background:#fff}
th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#eef1f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.alarm{color:#8b0000}.ok{color:#1b5e20}.late td{background:#fff0f0}.missing{color:#8b0000;font-weight:600}
.agree{background:#e8f5e9}.pair{background:#fff;border:1px solid #ccd;padding:.6rem;margin:.8rem 0}
.pair table{margin:.3rem 0}.evidence{font-size:.85rem;color:#333}.message{background:#fffbe6;padding:.4rem}
pre{background:#f3f3f3;padding:.6rem;overflow:auto;font-size:.8rem}textarea{width:30rem;height:2.5rem}
form.inline{display:inline}button{cursor:pointer}small{color:#555}
"""


def h(value: object) -> str:
    """Escaped text ('' for None and NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def number(value: object) -> str:
    """A count with thousands separators, or a value to at most two decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number_ = float(value)
    return f"{int(number_):,}" if number_.is_integer() else f"{number_:,.2f}"


def shell(title: str, here: str, body: str, message: str | None = None) -> str:
    """The page around `body`: the workbench navigation, the dashboard and the data-quality report."""
    links = "".join(f'<a href="/assure/workbench/{page}"{" aria-current=page" if page == here else ""}>{h(name)}</a>'
                    for page, name in NAV)
    links += '<a href="/assure/dashboard/index.html">Dashboard</a><a href="/">Airflow</a>'
    note = f'<p class="message" id="message">{h(message)}</p>' if message else ""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{h(title)}</title>"
            f"<style>{STYLE}</style></head><body><header><strong>Workbench</strong>{links}</header>"
            f"<main><h1>{h(title)}</h1>{note}{body}</main></body></html>")


def _hidden(**fields: str) -> str:
    return "".join(f'<input type="hidden" name="{h(k)}" value="{h(v)}">' for k, v in fields.items())


def submissions_page(data: dict, periods: list[str], csrf: str, message: str | None = None) -> str:
    """The submissions board of one quarter."""
    period = data["period"]
    options = "".join(f"<option{' selected' if p == period else ''}>{h(p)}</option>"
                      for p in sorted(set(periods) | {period}, reverse=True))
    body = [f"<form method='get'><label>Quarter ending <select name='period'>{options}</select></label> "
            f"<button>Show</button></form>",
            f"<p>Returns for the quarter ending {h(period)} are due on <strong>{h(data['due'])}</strong> (15 working "
            f"days after the quarter). Lateness as of {h(data['today'])}.</p>"]
    alarms = data["alarms"] + [f"task {f['dag_id']}.{f['task_id']} failed at {f['failed_at']}: {f['error'][:200]}"
                               for f in data["failures"]]
    body.append("<section id='alarms'><h2>Alarms</h2>" + (
        "<ul>" + "".join(f"<li class='alarm'>{h(a)}</li>" for a in alarms) + "</ul>" if alarms
        else "<p class='ok'>None.</p>") + "</section>")
    late = data["late"]
    body.append("<h2>Late</h2><ul id='late'>" + ("".join(
        f"<li data-agency='{h(r['agency'])}' data-return='{h(r['return_id'])}'>{h(r.get('agency_name') or r['agency'])}"
        f": {h(r.get('return_title') or r['return_id'])}, {h(r['days_late'])} working days late</li>" for r in late)
        or "<li class='ok'>Nobody.</li>") + "</ul>")
    head = ("<tr><th>Agency</th><th>Return</th><th>Due</th><th>Received</th><th>Working days late</th><th>Status</th>"
            "<th>Rows read</th><th>Accepted</th><th>Rejected</th><th>Queried</th><th>File and reason</th>"
            "<th>Resubmissions</th><th>Feedback</th><th>Re-run</th></tr>")
    rows = [_board_row(r, csrf) for r in data["returns"]]
    body.append(f"<h2>Returns</h2><table id='board'><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>")
    if data["extra"]:
        extra = [_board_row({"agency": r["agency"], "return_id": r["return_id"] or "(not recognised)", "due": "",
                             "received_at": r["received_at"], "days_late": "", "status": r["status"] or "",
                             "submission": r, "chain": r["chain"], "feedback": r["feedback"]}, csrf)
                 for r in data["extra"]]
        body.append("<h2>Other files received</h2><p>Files whose return the calendar does not expect, or in which no "
                    f"return was recognised.</p><table id='other'><thead>{head}</thead><tbody>{''.join(extra)}"
                    "</tbody></table>")
    return shell(f"Submissions: quarter ending {period}", "submissions", "".join(body), message)


def _named(name: str | None, code: str | None) -> str:
    """A name, with the id the `assure` commands take beneath it in small type (the id alone when it has no name)."""
    if not name or name == code:
        return h(code)
    return f"{h(name)}<br><small class='code'>{h(code)}</small>"


def _board_row(row: dict, csrf: str) -> str:
    sub = row.get("submission") or {}
    sid = sub.get("submission_id")
    status = sub.get("status") or ""
    shown = row["status"] + (f" · {status.lower()}" if status and status != "LOADED" else "")
    chain = row.get("chain") or {}
    chain_text = " ".join(part for part in (
        f"replaces {chain['replaces'][:8]}" if chain.get("replaces") else "",
        f"replaced by {chain['replaced_by'][:8]}" if chain.get("replaced_by") else "") if part)
    feedback = row.get("feedback") or {}
    links = " ".join(
        f"<a class='feedback-{kind}' href='/assure/workbench/feedback/{h(sid)}.{kind}' download>{kind.upper()}</a>"
        for kind in ("xlsx", "json") if kind in feedback)
    rerun = (f"<form class='rerun inline' method='post' action='/assure/workbench/rerun'>"
             f"{_hidden(submission_id=sid, csrf=csrf)}<button>Re-run this file</button></form>") if sid else ""
    css = " late" if row["status"] == "LATE" else ""
    return (f"<tr class='return{css}' data-agency='{h(row['agency'])}' data-return='{h(row['return_id'])}' "
            f"data-status='{h(row['status'])}' data-submission='{h(sid)}'>"
            f"<td>{_named(row.get('agency_name'), row['agency'])}</td>"
            f"<td>{_named(row.get('return_title'), row['return_id'])}</td><td class='due'>{h(row['due'])}</td>"
            f"<td class='received'>{h((row.get('received_at') or '')[:16].replace('T', ' '))}"
            f"{'' if row.get('received_at') else '<span class=missing>missing</span>'}</td>"
            f"<td class='days-late num'>{h(row['days_late'])}</td><td class='status'>{h(shown)}</td>"
            + "".join(f"<td class='num'>{number(sub.get(k))}</td>"
                      for k in ("rows_read", "rows_accepted", "rows_rejected", "rows_queried"))
            + f"<td>{h(sub.get('file_name'))}<br><small>{h(sub.get('reason'))}</small></td>"
            f"<td>{h(row.get('submissions', ''))} {h(chain_text)}</td><td>{links}</td><td>{rerun}</td></tr>")


def _record_table(pair: dict) -> str:
    left, right = pair["left_record"], pair["right_record"]
    if left.get("missing") or right.get("missing"):
        return "<p>One of the records is no longer in the index (its return was replaced).</p>"
    names = {"first_name": "First name", "last_name": "Surname", "dob": "Date of birth", "sex": "Sex",
             "postcode": "Postcode", "agency": "Agency", "nhs_number": "NHS number", "upn": "UPN",
             "agency_ref": "Agency's id"}
    rows = []
    for key, label in names.items():
        a, b = left["fields"][key], right["fields"][key]
        css = " class='agree'" if a["agrees"] else ""
        rows.append(f"<tr><th>{label}</th><td{css}>{h(a['text'])}</td><td{css}>{h(b['text'])}</td></tr>")
    return (f"<table class='records'><thead><tr><th></th><th>{h(pair['left'])}</th><th>{h(pair['right'])}</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def matches_page(open_pairs: list[dict], decided: list[dict], counts: dict, csrf: str, message: str | None = None,
                 skipped: list[str] | None = None) -> str:
    """Match review: the open pairs to decide, the decided ones (undo; honoured by the index?) and the button that
    runs reconciliation."""
    body = [f"<p>{counts['open']:,} pairs await a decision; {counts['decided']:,} decided. A decision holds from the "
            "next reconciliation on: “the same person” joins the two records' people, “not the same person” keeps "
            "them apart whatever else links them.</p>",
            f"<form id='reconcile' method='post' action='/assure/workbench/matches/reconcile'>{_hidden(csrf=csrf)}"
            "<button>Run reconciliation now</button> <small>(triggers the person_reconciliation DAG)</small></form>",
            "<h2>Awaiting a decision</h2>"]
    skip = list(skipped or [])
    for pair in open_pairs:
        body.append(
            f"<form class='pair' method='post' action='/assure/workbench/matches/decide' data-left='{h(pair['left'])}'"
            f" data-right='{h(pair['right'])}'>{_hidden(left=pair['left'], right=pair['right'], csrf=csrf)}"
            + "".join(_hidden(skip=s) for s in skip)
            + f"<p>Probability {pair['match_probability']:.3f} · period {h(pair['period'])}</p>{_record_table(pair)}"
            f"<p class='evidence'>Evidence: {h(pair['evidence'])}</p>"
            "<label>Reason <textarea name='reason' placeholder='what you saw, e.g. same school and address'>"
            "</textarea></label> "
            "<button name='decision' value='ACCEPT'>Same person</button> "
            "<button name='decision' value='REJECT'>Not the same person</button> "
            "<button name='decision' value='SKIP' formnovalidate>Skip</button></form>")
    if not open_pairs:
        body.append("<p class='ok'>No pair is waiting.</p>")
    rows = []
    for pair in decided:
        honoured = {True: "yes", False: "not yet", None: "records gone"}[pair["honoured"]]
        said = "same person" if pair["decision"] == "ACCEPT" else "not the same person"
        rows.append(
            f"<tr class='decided' data-left='{h(pair['left'])}' data-right='{h(pair['right'])}' "
            f"data-decision='{h(pair['decision'])}'><td>{h(pair['left'])}<br>{h(pair['right'])}</td>"
            f"<td>{h(said)}</td><td class='reason'>{h(pair['reason'])}</td><td class='decided-by'>"
            f"{h(pair['decided_by'])}</td><td>{h(pair['decided_at'])}</td><td class='honoured'>{honoured}</td>"
            f"<td><form class='undo inline' method='post' action='/assure/workbench/matches/undo'>"
            f"{_hidden(left=pair['left'], right=pair['right'], csrf=csrf)}<button>Undo</button></form></td></tr>")
    body.append("<h2>Decided</h2><table id='decided'><thead><tr><th>Records</th><th>Decision</th><th>Reason</th>"
                "<th>By</th><th>When</th><th>Honoured by the index</th><th></th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")
    return shell("Match review", "matches", "".join(body), message)


def values_page(data: dict, csrf: str, message: str | None = None) -> str:
    """The value map: unmapped values to map with a click, and the mappings made."""
    rows = []
    for row in data["unmapped"]:
        options = "".join(f"<option value='{h(code)}'>{h(code)}: {h(labels[0] if labels else '')}</option>"
                          for code, labels in row["codes"].items())
        list_id = f"codes-{h(row['agency'])}-{h(row['column'])}"
        rows.append(
            f"<tr class='unmapped' data-agency='{h(row['agency'])}' data-column='{h(row['column'])}' "
            f"data-value='{h(row['raw_value'])}'><td>{h(row['agency'])}</td><td>{h(row['return_id'])}</td>"
            f"<td>{h(row['column'])}</td><td><code>{h(row['raw_value'])}</code></td><td class='rows num'>"
            f"{number(row['rows'])}</td><td class='examples'>{h(row['example_rows'])}</td>"
            f"<td><form class='map inline' method='post' action='/assure/workbench/values/map'>"
            f"{_hidden(agency=row['agency'], column=row['column'], value=row['raw_value'], csrf=csrf)}"
            f"<input name='code' list='{list_id}' value='{h(row['suggested'])}' required size='8'>"
            f"<datalist id='{list_id}'>{options}</datalist> <button>Map</button></form>"
            f"<br><small>{'suggested: ' + h(row['suggested']) if row['suggested'] else 'no suggestion'}</small>"
            "</td></tr>")
    body = ["<p>Values an agency wrote that no code list reads. Map one once and every later file of that agency "
            "reads it; re-run a file from the submissions board to load it now.</p>",
            "<h2>Waiting</h2><table id='unmapped'><thead><tr><th>Agency</th><th>Return</th><th>Column</th>"
            "<th>Value</th><th>Rows</th><th>Example rows</th><th>Map to</th></tr></thead><tbody>"
            + ("".join(rows) or "<tr><td colspan='7' class='ok'>Every value was read.</td></tr>") + "</tbody></table>",
            "<h2>Mappings</h2><table id='mappings'><thead><tr><th>Agency</th><th>Column</th><th>Value</th>"
            "<th>Code</th><th>By</th><th>When</th></tr></thead><tbody>"
            + "".join(f"<tr class='mapping' data-agency='{h(m['agency'])}' data-column='{h(m['column'])}' "
                      f"data-value='{h(m['raw_value'])}' data-code='{h(m['code'])}'><td>{h(m['agency'])}</td>"
                      f"<td>{h(m['column'])}</td><td><code>{h(m['raw_value'])}</code></td><td>{h(m['code'])}</td>"
                      f"<td>{h(m['mapped_by'])}</td><td>{h(m['mapped_at'])}</td></tr>" for m in data["mappings"])
            + "</tbody></table>"]
    return shell("Value map", "values", "".join(body), message)


def commentary_page(period: str, periods: list[str], indicators: list, texts: dict[str, dict], csrf: str,
                    message: str | None = None) -> str:
    """The commentary of a quarter: each indicator's draft from the numbers and the analyst's text, to edit."""
    options = "".join(f"<option{' selected' if p == period else ''}>{h(p)}</option>"
                      for p in sorted(set(periods) | {period}, reverse=True))
    rows = []
    for indicator in indicators:
        said = texts.get(indicator.id)
        if said is None:
            continue
        status = (f"edited by {h(said['edited_by'])} at {h(said['edited_at'])}" if said["edited"]
                  else "the draft from the numbers")
        revert = ("<button name='action' value='draft' formnovalidate>Back to the draft</button>"
                  if said["edited"] else "")
        rows.append(
            f"<form class='commentary' method='post' action='/assure/workbench/commentary' "
            f"data-indicator='{h(indicator.id)}'>{_hidden(indicator=indicator.id, period=period, csrf=csrf)}"
            f"<h2>{h(indicator.id)} {h(indicator.title)}</h2><p><small>Now: {status}. The pack and the dashboard "
            f"carry this text from the next publication.</small></p>"
            f"<textarea name='text' style='width:60rem;height:6rem'>{h(said['text'])}</textarea><br>"
            f"<details><summary>Draft from the numbers</summary><p class='draft'>{h(said['draft'])}</p></details>"
            f"<button name='action' value='save'>Save</button> {revert}</form>")
    body = (f"<form method='get'><label>Quarter ending <select name='period'>{options}</select></label> "
            "<button>Show</button></form><p>A draft is written from the numbers each time the quarter is computed; "
            "your text replaces it and survives re-runs.</p>"
            + ("".join(rows) or "<p>No commentary: the quarter has not been computed.</p>"))
    return shell(f"Commentary: quarter ending {period}", "commentary", body, message)


def lineage_page(data: dict) -> str:
    """Where an indicator's value came from."""
    entry, period = data["indicator"], data["period"]
    values = "".join(
        f"<tr><td>{h(v['breakdown'] or 'all')}</td><td class='num'>{number(v['value'])}</td>"
        f"<td class='num'>{number(v['numerator'])}</td><td class='num'>{number(v['denominator'])}</td>"
        f"<td>{h(v['rag'])}</td><td>{h(v['note'])}{' (history incomplete)' if v['history_incomplete'] else ''}"
        f"</td></tr>" for v in data["values"])
    agencies = "".join(
        f"<tr data-agency='{h(a['agency'])}'><td>{h(a['agency'])}</td><td>{h(', '.join(a['returns']))}</td>"
        f"<td class='num'>{number(a['numerator'])}</td><td class='num'>{number(a['denominator'])}</td>"
        f"<td class='num'>{a['submissions']}</td></tr>" for a in data["by_agency"])
    combined = ("<p><small>The SQL combines these agencies' records: the numerator and denominator are not split by "
                "agency; the breakdowns above show the split where the indicator has one.</small></p>"
                if data["combined"] else "")
    used = "".join(
        f"<tr class='submission' data-agency='{h(u['agency'])}' data-return='{h(u['return_id'])}'>"
        f"<td>{h(u['agency'])}</td><td>{h(u['return_id'])}</td><td>{h(u['period'])}</td>"
        f"<td>{h(u['file_name'])}</td><td>{h((u['received_at'] or '')[:16].replace('T', ' '))}</td>"
        f"<td><code>{h(u['sha256'][:12])}</code></td><td>{h(u['status'])}</td>"
        f"<td class='num'>{number(u['rows_accepted'])}</td><td class='num'>{number(u['rows_queried'])}</td>"
        f"<td><a href='/assure/workbench/feedback/{h(u['submission_id'])}.xlsx'>feedback</a></td></tr>"
        for u in data["submissions"])
    queried = "".join(
        f"<tr><td>{h(q['agency'])}</td><td>{h(q['return_id'])}</td><td>{h(q['rule_id'])}</td><td>{h(q['column'])}"
        f"</td><td>{h(q['message'])}</td><td class='num'>{number(q['rows'])}</td><td class='num'>{h(q['first_row'])}"
        "</td></tr>" for q in data["queried"])
    body = (f"<p id='definition'>{h(entry.definition)}</p><p>Definition source: <strong>{h(entry.definition_source)}"
            f"</strong>{' · ' + h(entry.reference) if entry.reference else ''} · unit {h(entry.unit)} · polarity "
            f"{h(entry.polarity)} · window {h(entry.window)}</p>"
            f"<form method='get'><label>Quarter ending <input name='period' value='{h(period)}' size='8'></label> "
            "<button>Show</button></form>"
            f"<h2>Value for the quarter ending {h(period)}</h2><table id='values'><thead><tr><th>Breakdown</th>"
            "<th>Value</th><th>Numerator</th><th>Denominator</th><th>RAG</th><th>Note</th></tr></thead><tbody>"
            f"{values or '<tr><td colspan=6>Not computed for this quarter.</td></tr>'}</tbody></table>"
            "<h2>By source agency</h2><table id='by-agency'><thead><tr><th>Agency</th><th>Returns</th>"
            f"<th>Numerator</th><th>Denominator</th><th>Submissions used</th></tr></thead><tbody>{agencies}</tbody>"
            f"</table>{combined}<h2>Submissions used</h2><p>Earlier quarters' submissions appear where the look-back "
            "reaches before this quarter's returns.</p><table id='submissions-used'><thead><tr><th>Agency</th>"
            "<th>Return</th><th>Quarter</th><th>File</th><th>Received</th><th>sha256</th><th>Status</th>"
            f"<th>Rows accepted</th><th>Rows queried</th><th></th></tr></thead><tbody>{used}</tbody></table>"
            "<h2>Queried rows in those submissions</h2><table id='queried'><thead><tr><th>Agency</th><th>Return</th>"
            "<th>Rule</th><th>Column</th><th>Message</th><th>Rows</th><th>First row</th></tr></thead><tbody>"
            f"{queried or '<tr><td colspan=7>None.</td></tr>'}</tbody></table>"
            f"<h2>The SQL</h2><pre id='sql'>{h(data['sql'])}</pre>")
    return shell(f"{entry.id} {entry.title}", "", body)


def redirect_target(page: str, **query: object) -> str:
    """A workbench URL with its query string (values quoted)."""
    pairs = [(k, v) for k, v in query.items() if v not in (None, "")]
    flat = [(k, item) for k, v in pairs for item in (v if isinstance(v, list) else [v])]
    return f"/assure/workbench/{quote(page)}" + (f"?{urlencode(flat)}" if flat else "")


__all__ = ["commentary_page", "h", "lineage_page", "matches_page", "number", "redirect_target", "shell",
           "submissions_page", "values_page"]
