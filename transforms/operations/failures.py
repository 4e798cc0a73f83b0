"""Operational records: failed tasks go to `ops_failure` and, when an SMTP server is configured, to e-mail."""

from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage

from transforms import warehouse


def notify_failure(warehouse_url: str, dag_id: str, task_id: str, run_id: str, error: str, smtp=None) -> None:
    """Record the failure; e-mail it through `smtp` (host, port, login, password, extra `to`) if given."""
    with warehouse.engine(warehouse_url).begin() as conn:
        conn.execute(warehouse.ops_failure.insert().values(
            failed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), dag_id=dag_id, task_id=task_id,
            run_id=run_id, error=error[:4000]))
    if smtp is None:
        return
    recipients = (smtp.extra_dejson or {}).get("to")
    if not recipients:
        return
    message = EmailMessage()
    message["Subject"] = f"[assure] {dag_id}.{task_id} failed"
    message["From"] = smtp.login or "assure@localhost"
    message["To"] = recipients
    message.set_content(f"Run {run_id}\n\n{error}\n\nSee the Airflow UI for the log.")
    with smtplib.SMTP(smtp.host, smtp.port or 25, timeout=30) as server:
        if smtp.login and smtp.password:
            server.starttls()
            server.login(smtp.login, smtp.password)
        server.send_message(message)

