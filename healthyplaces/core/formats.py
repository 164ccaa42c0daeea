"""How figures read wherever the portal writes them: pages, emails and exports share these.

Money is pounds and pence with a thousands separator: £16,500.00. A negative sum is written with
the minus sign (U+2212) before the pound sign, "U+2212 £16,500.00" without the space, never a
hyphen after it as the digest once printed (£-16500.00): screen readers say "minus" for U+2212
where many skip or say "dash" for a hyphen, and U+2212 is the typographic minus. Spreadsheets get
numbers with a £ number format, not these strings (see core.spreadsheets).

A machine-readable datetime (a ``<time datetime>``) is ISO 8601 to the second with its offset:
HTML's grammar allows at most three decimal places, and Django's ``|date:'c'`` writes six."""

import datetime
from decimal import Decimal

MINUS = "\N{MINUS SIGN}"


def money(amount: Decimal | int | float | str | None, *, none: str = "") -> str:
    """£1,234.50, and a minus sign (U+2212) then £16,500.00 for a negative sum; ``none`` for a sum
    nobody has given. A string is a decimal as a snapshot's JSON keeps it ("1500.00")."""
    if amount is None or amount == "":
        return none
    # Rounded to the penny before the sign is chosen, so -0.001 reads £0.00 with no minus sign.
    pence = Decimal(str(amount)).quantize(Decimal("0.01"))
    sign = MINUS if pence < 0 else ""
    return f"{sign}£{abs(pence):,.2f}"


def pence_to_pounds(pence: int) -> Decimal:
    """Whole pence (as charts keep money) as pounds and pence."""
    return Decimal(pence) / 100


def machine_datetime(value: datetime.datetime | datetime.date | None) -> str:
    """A valid HTML ``datetime`` attribute value: 2026-12-05T17:30:54+00:00, or 2026-12-05 for a date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
