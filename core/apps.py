from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        # Registrations that must be in place before the first serializer or filter set is built,
        # whichever module a process imports first; the OpenAPI extensions load with the schema
        # class (REST_FRAMEWORK DEFAULT_SCHEMA_CLASS, core.api.schema).
        from . import (
            fields,  # noqa: F401  (bounds the dates of every ModelSerializer)
            strict,  # noqa: F401  (a boolean filter takes true or false, nothing else)
        )
