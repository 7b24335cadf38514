"""The outlet itself as its pages present it: the logo in the header, in link previews and as
the publisher of every story's structured data."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models.media import Image

# The one row's key: there is one outlet per site (the row is made by a migration).
OUTLET_PK = 1


class OutletQuerySet(models.QuerySet):
    def current(self) -> Outlet | None:
        """The site's one row, with its pictures; None only on a database emptied by hand."""
        return self.select_related("logo", "share_image").filter(pk=OUTLET_PK).first()


class Outlet(models.Model):
    # Pictures from the media library, so a logo is cleaned, re-encoded and cut into copies
    # like every other upload (articles/images.py), never served as it was sent.
    logo = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_(
            "The outlet's logo from the media library, shown at the top of every page instead "
            "of the name in text, and given to search engines as the publisher's logo. A wide "
            "picture on a plain background reads best; without one the name is shown in text."
        ),
    )
    share_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("share picture"),
        help_text=_(
            "The picture a link preview (social networks, messengers) shows for the front page "
            "and the listings, which have no picture of their own. Best 1200 × 630 pixels; "
            "without one the logo is used."
        ),
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_(
            "One or two sentences about the outlet: the front page's description in search "
            "results and link previews."
        ),
    )

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlet")
        constraints = [models.CheckConstraint(condition=Q(pk=OUTLET_PK), name="one_outlet_row")]

    def __str__(self) -> str:
        return str(_("The outlet's logo and description"))
