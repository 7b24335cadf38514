"""Gifts as CSV for the accounts: one row per gift, e-mail addresses only for who may see them."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext

from articles.spreadsheets import safe_cell
from newsroom.models import Gift


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def header(*, with_email: bool) -> list[str]:
    names = [
        gettext("Date"),
        gettext("Amount"),
        gettext("Currency"),
        gettext("Donor"),
        gettext("Source"),
        gettext("Frequency"),
        gettext("Campaign"),
        gettext("Note"),
    ]
    return [*names, gettext("E-mail")] if with_email else names


def row(gift: Gift, *, with_email: bool) -> list[str]:
    cells = [
        timezone.localtime(gift.received_at).strftime("%Y-%m-%d %H:%M"),
        f"{gift.amount:.2f}",  # a plain number for the spreadsheet, whatever the site's format
        gift.currency,
        safe_cell(gift.donor_display),
        str(gift.get_source_display()),
        str(gift.get_frequency_display()),
        safe_cell(gift.campaign.title),
        safe_cell(gift.note),
    ]
    return [*cells, safe_cell(gift.donor_email)] if with_email else cells


def write_csv(gifts: Iterable[Gift], out: Writable, *, with_email: bool) -> None:
    writer = csv.writer(out)
    writer.writerow(header(with_email=with_email))
    for gift in gifts:
        writer.writerow(row(gift, with_email=with_email))
