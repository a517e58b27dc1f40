"""Numbers, money, dates and durations formatted for the user's locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTimeZone

CURRENCY_SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "¥", "HKD": "HK$"}


def tr(text: str, context: str = "Format") -> str:
    return QCoreApplication.translate(context, text)


def target_metric_names() -> dict[str, str]:
    """What each target measures, by metric key (the reports, the pack and Settings)."""
    return {
        "won_amount": tr("Won amount"),
        "won_count": tr("Deals won"),
        "new_customers": tr("New customers"),
        "activities_done": tr("Activities done"),
    }


def money(amount: Decimal | None, currency: str = "USD", *, cents: bool = False) -> str:
    """``$12,300`` (or ``$12,300.50`` with ``cents``), in the user's locale."""
    if amount is None:
        return "–"
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    digits = 2 if cents or amount != amount.to_integral_value() else 0
    return QLocale().toCurrencyString(float(amount), symbol, digits)


def compact_money(amount: Decimal, currency: str = "USD") -> str:
    """Short amounts for column headers: ``$1.2M``, ``$350K``; in Chinese, counted in
    ten-thousands and hundred-millions as Chinese does: ``¥35万``, ``¥1.2亿``."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    value = float(amount)
    locale = QLocale()
    if locale.language() == QLocale.Language.Chinese:
        if abs(value) >= 100_000_000:
            number = locale.toString(value / 100_000_000, "f", 1)
            return symbol + tr("{number} × 100,000,000").format(number=number)
        if abs(value) >= 10_000:
            number = locale.toString(value / 10_000, "f", 0 if abs(value) >= 100_000 else 1)
            return symbol + tr("{number} × 10,000").format(number=number)
        return money(amount, currency)
    if abs(value) >= 1_000_000:
        return symbol + locale.toString(value / 1_000_000, "f", 1) + tr("M")
    if abs(value) >= 10_000:
        return symbol + locale.toString(value / 1_000, "f", 0) + tr("K")
    return money(amount, currency)


def number(value: int) -> str:
    return QLocale().toString(value)


def percent(value: float | None) -> str:
    """``12.5%`` in the user's locale (its decimal point and percent sign)."""
    if value is None:
        return "–"
    locale = QLocale()
    return locale.toString(value * 100, "f", 1) + locale.percent()


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        local = QDateTime(value).toTimeZone(QTimeZone.systemTimeZone())
        return QLocale().toString(local.date(), QLocale.FormatType.ShortFormat)
    return QLocale().toString(
        QDate(value.year, value.month, value.day), QLocale.FormatType.ShortFormat
    )


def date_time(value: datetime | None) -> str:
    if value is None:
        return "–"
    local = QDateTime(value).toTimeZone(QTimeZone.systemTimeZone())
    return QLocale().toString(local, QLocale.FormatType.ShortFormat)


def days(value: float | None) -> str:
    """Whole days, as shown on cards: ``12 d``."""
    if value is None:
        return "–"
    return tr("{n} d").format(n=int(value))
