"""Reminders to payers after an invoice's due date, sent by the daily `remind` run.

What is overdue and which reminder step each invoice has reached come from
`admin/invoicing/payments` (the same figures as `status` and the digest); this builds the
messages, each with its invoice attached, under the key `invoice:reminder:<numéro>:<étape>` so
the delivery layer sends each one once. Prints nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from qualikit.admin.invoicing.issue import invoice_pdf
from qualikit.admin.invoicing.ledger import Ledger
from qualikit.admin.invoicing.payments import REMINDER_KIND, Outstanding, payer_of, reminder_key, reminders_due
from qualikit.base.frdates import long_date
from qualikit.delivery.send import Outgoing
from qualikit.documents.email import Attachment, build_message, render_email
from qualikit.project.model import Project

TEMPLATE = "relance-paiement"


def payment_outgoing(project: Project, root: Path, env, ledger: Ledger, items: list[Outstanding], now: datetime,
                     sent: set[str]) -> list[Outgoing]:
    """The reminders due at `now` (working days only), for payers whose address is known."""
    from qualikit.base.typography import fr
    from qualikit.project.schedule import euros

    if not project.settings.work_calendar.is_working_day(now.date()):
        return []
    org = project.organisation
    email = org.sender_email
    out = []
    for o, step in reminders_due(items, now.date(), sent, project.settings.payment_reminder_days):
        inv = o.invoice
        payer = payer_of(project, inv)
        if not payer.email or not email:
            continue  # the digest says no one can be reminded (payment_alerts)
        session = project.session(inv.session) if inv.session else None
        programme = project.programme(session.programme_id) if session else None
        context = {"step": step, "number": inv.number, "issued": long_date(inv.issued_on),
                   "due_on": long_date(inv.due_on), "left": euros(o.due, cents=True),
                   "total": euros(inv.payable, cents=True), "learner": payer.learner, "payer": payer.name,
                   "payer_is_company": payer.learner is None, "professional": inv.professional,
                   "session_title": programme.title if programme else None, "organisation": org,
                   "signature": org.sender_name}
        rendered = render_email(env, TEMPLATE, context)
        rendered = type(rendered)(fr(rendered.subject), fr(rendered.text), rendered.html)
        pdf = invoice_pdf(project, root, ledger, inv, now)
        message = build_message(sender_name=org.sender_name, sender_email=email, to_name=payer.name,
                                to_email=payer.email, rendered=rendered,
                                attachments=[Attachment(inv.file_name, pdf, "application/pdf")], date=now,
                                domain=email.rpartition("@")[2], tags={"Step": f"relance-paiement-{step}",
                                                                       "Invoice": inv.number})
        data = {"invoice": inv.number, "reminder": step, "due": str(o.due), "label": f"relance de paiement {step}"}
        if inv.session:
            data["session"] = inv.session
        out.append(Outgoing(key=reminder_key(inv.number, step), message=message, kind=REMINDER_KIND, data=data))
    return out
