"""Boolean filters take true or false (imported by CoreConfig.ready): django-filter would read
any other value as "not given" and answer as if there were no filter."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from django_filters.rest_framework.filterset import FILTER_FOR_DBFIELD_DEFAULTS as REST_FILTER_DEFAULTS


class StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: not given
        if value in (None, ""):
            return None
        if value in (True, "True", "true", "1"):
            return True
        if value in (False, "False", "false", "0"):
            return False
        raise ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


for defaults in (FILTER_FOR_DBFIELD_DEFAULTS, REST_FILTER_DEFAULTS):
    defaults[models.BooleanField] = {"filter_class": StrictBooleanFilter}
