"""Tenancy for the model layer: every business-owned row has a `business` and a `.for_business()`
queryset. The request side (the active business, the scoped viewsets) is core.api.tenancy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from users.models import Business


class BusinessQuerySet(models.QuerySet):
    def for_business(self, business: Business | int) -> BusinessQuerySet:
        return self.filter(business=business)


class BusinessOwnedModel(models.Model):
    """Every row belongs to exactly one business."""

    business = models.ForeignKey("users.Business", on_delete=models.CASCADE, related_name="+")

    objects = BusinessQuerySet.as_manager()

    class Meta:
        abstract = True
