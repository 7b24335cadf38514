"""Where a story sits and who wrote it: sections and authors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Section(models.Model):
    name = models.CharField(
        max_length=80, unique=True, help_text=_("Shown in navigation and on stories.")
    )
    slug = models.SlugField(
        max_length=80, unique=True, help_text=_("The section's address: /section/slug/.")
    )
    description = models.TextField(
        blank=True, help_text=_("A sentence or two shown at the top of the section page.")
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text=_("Order in the navigation and on the front page; lower comes first.")
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    """A byline. Not every byline is a staff account (agency writers, contributors)."""

    name = models.CharField(max_length=120, help_text=_("As it appears in the byline."))
    slug = models.SlugField(
        max_length=120, unique=True, help_text=_("The author's page: /author/slug/.")
    )
    bio = models.TextField(blank=True, help_text=_("Plain text shown on the author's page."))
    photo = models.ImageField(
        upload_to="authors/",
        blank=True,
        help_text=_("A square portrait, shown on the author's page."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_(
            "The staff account behind this byline, if any. Writers can edit stories "
            "they are credited on."
        ),
    )
    # Set by `import_wordpress`: a second import finds the byline again by the login, even
    # after an editor renamed it or changed its address.
    wordpress_login = models.CharField(
        max_length=60,
        blank=True,
        editable=False,
        help_text=_("The WordPress user this byline was imported from."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wordpress_login"],
                condition=~Q(wordpress_login=""),
                name="author_wordpress_login_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})
