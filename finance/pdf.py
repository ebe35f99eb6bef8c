"""Invoice PDFs: the business, the customer, the items with VAT, totals, due date and how to pay."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.money import format_money

from .models import Invoice, MpesaSettings

BRAND = colors.HexColor("#0f766e")


def _text(value: Any) -> str:
    """Stored text as Paragraph markup: "<", "&" and ">" are shown, never read as tags (an
    unclosed "<b>" failed the PDF, and an "<img>" would have made it fetch a file)."""
    return escape(str(value))


def _payment_lines(invoice: Invoice) -> list[str]:
    business = invoice.business
    lines = []
    mpesa = MpesaSettings.objects.filter(business=business).exclude(shortcode="").first()
    if mpesa:
        lines.append(
            f"M-Pesa Paybill <b>{_text(mpesa.shortcode)}</b>, account <b>{_text(invoice.invoice_number)}</b>"
        )
    lines.append(
        f"Bank transfer or cheque to <b>{_text(business.legal_name)}</b>, "
        f"quoting {_text(invoice.invoice_number)}"
    )
    if business.phone or business.email:
        lines.append("Questions: " + " · ".join(_text(x) for x in (business.phone, business.email) if x))
    return lines


def invoice_pdf(invoice: Invoice) -> bytes:
    business, customer = invoice.business, invoice.customer
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Invoice {invoice.invoice_number}",
        author=business.legal_name,
    )
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=9, leading=12)
    heading = ParagraphStyle("heading", parent=styles["Title"], alignment=0, textColor=BRAND, fontSize=20)
    money = lambda value: format_money(value, invoice.currency)  # noqa: E731
    story: list[Any] = []

    seller = "<br/>".join(
        x
        for x in (
            f"<b>{_text(business.legal_name)}</b>",
            _text(business.address),
            _text(business.phone),
            _text(business.email),
            f"KRA PIN {_text(business.tax_id)}" if business.tax_id else "",
        )
        if x
    )
    meta = "<br/>".join(
        (
            f"<b>Invoice</b> {_text(invoice.invoice_number)}",
            f"Issued {invoice.issue_date:%d %b %Y}",
            f"<b>Due {invoice.due_date:%d %b %Y}</b>",
            f"Status: {invoice.get_status_display()}",
        )
    )
    story.append(Paragraph("INVOICE", heading))
    story.append(Table([[Paragraph(seller, small), Paragraph(meta, small)]], colWidths=[110 * mm, 64 * mm]))
    story.append(Spacer(1, 6 * mm))
    buyer = "<br/>".join(
        x
        for x in (
            "<b>Bill to</b>",
            _text(customer.name),
            _text(customer.address),
            _text(customer.phone),
            _text(customer.email),
            f"KRA PIN {_text(customer.tax_id)}" if customer.tax_id else "",
        )
        if x
    )
    story.append(Paragraph(buyer, small))
    story.append(Spacer(1, 6 * mm))

    rows: list[list[Any]] = [["Description", "Qty", "Unit price", "VAT %", "VAT", "Amount"]]
    for item in invoice.items.all():
        rows.append(
            [
                Paragraph(_text(item.description), small),
                f"{item.quantity.normalize():f}",
                money(item.unit_price),
                f"{item.tax_rate.normalize():f}",
                money(item.tax_amount),
                money(item.line_total),
            ]
        )
    rows += [
        ["", "", "", "", "Subtotal", money(invoice.subtotal)],
        ["", "", "", "", "VAT", money(invoice.tax_amount)],
        ["", "", "", "", "Total", money(invoice.total_amount)],
    ]
    if invoice.amount_paid:
        rows += [
            ["", "", "", "", "Paid", money(invoice.amount_paid)],
            ["", "", "", "", "Balance due", money(invoice.balance_due)],
        ]
    table = Table(rows, colWidths=[64 * mm, 14 * mm, 28 * mm, 14 * mm, 26 * mm, 28 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BRAND),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, len(rows) - 4), 0.25, colors.lightgrey),
                ("FONTNAME", (4, -1), (-1, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph("<b>How to pay</b>", small))
    for line in _payment_lines(invoice):
        story.append(Paragraph(line, small))
    if invoice.notes:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(_text(invoice.notes).replace("\n", "<br/>"), small))
    doc.build(story)
    return buffer.getvalue()
