"""Invoice PDFs: the business, the customer, the items with VAT, totals, due date and how to pay."""

from __future__ import annotations

import io
import logging
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.money import format_money

from .models import Invoice, MpesaSettings

logger = logging.getLogger(__name__)
BRAND = colors.HexColor("#0f766e")


def _text(value: Any) -> str:
    """Stored text as Paragraph markup: "<", "&" and ">" are shown, never read as tags (an
    unclosed "<b>" failed the PDF, and an "<img>" would have made it fetch a file)."""
    return escape(str(value))


def how_to_pay(invoice: Invoice) -> dict[str, Any]:
    """The business's payment instructions for this invoice: the paybill (set in the business's
    settings, else its Daraja shortcode) with the invoice number as the account, the till, the
    account hint and the bank details. Plain values; callers format them."""
    business = invoice.business
    settings: dict[str, Any] = business.payment_instructions or {}
    paybill = settings.get("mpesa_paybill") or ""
    if not paybill and not settings.get("mpesa_till"):
        mpesa = MpesaSettings.objects.filter(business=business).exclude(shortcode="").first()
        paybill = mpesa.shortcode if mpesa else ""
    return {
        "mpesa_paybill": paybill or None,
        "mpesa_till": settings.get("mpesa_till") or None,
        "account": invoice.invoice_number if paybill else None,
        "account_hint": settings.get("account_hint") or None,
        "bank": settings.get("bank") or None,
    }


def _bank_text(bank: Any) -> str:
    if isinstance(bank, dict):
        parts = [
            bank.get("name"),
            f"branch {bank['branch']}" if bank.get("branch") else None,
            f"account name {bank['account_name']}" if bank.get("account_name") else None,
            f"account number {bank['account_number']}" if bank.get("account_number") else None,
        ]
        return ", ".join(_text(p) for p in parts if p)
    return _text(bank)


def _payment_lines(invoice: Invoice) -> list[str]:
    business = invoice.business
    pay = how_to_pay(invoice)
    lines = []
    if pay["mpesa_paybill"]:
        lines.append(
            f"Pay with M-Pesa: Paybill <b>{_text(pay['mpesa_paybill'])}</b>, "
            f"Account <b>{_text(pay['account'])}</b>"
        )
    if pay["mpesa_till"]:
        lines.append(f"Pay with M-Pesa: Till <b>{_text(pay['mpesa_till'])}</b> (Buy Goods)")
    if pay["account_hint"]:
        lines.append(_text(pay["account_hint"]))
    if pay["bank"]:
        lines.append(
            f"Bank transfer: {_bank_text(pay['bank'])}; quote <b>{_text(invoice.invoice_number)}</b>"
        )
    else:
        lines.append(
            f"Bank transfer or cheque to <b>{_text(business.legal_name)}</b>, "
            f"quoting {_text(invoice.invoice_number)}"
        )
    if business.phone or business.email:
        lines.append("Questions: " + " · ".join(_text(x) for x in (business.phone, business.email) if x))
    return lines


def _logo(business: Any) -> Any:
    """The logo scaled into 40 x 20 mm, or None when there is none or it can't be read."""
    if not business.logo:
        return None
    try:
        with business.logo.open("rb") as handle:
            data = handle.read()
        reader = ImageReader(io.BytesIO(data))
        width, height = reader.getSize()
    except Exception:  # a missing or unreadable file must not cost the customer their invoice
        logger.warning("The logo of business %s can't be read", business.pk, exc_info=True)
        return None
    scale = min(40 * mm / width, 20 * mm / height)
    image = Image(io.BytesIO(data), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


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
            f"Trading as {_text(business.dba_name)}" if business.dba_name else "",
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
    logo = _logo(business)
    if logo is not None:
        story.append(logo)
        story.append(Spacer(1, 3 * mm))
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
