from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from . import (
            fields,  # noqa: F401  (bounds the dates of every ModelSerializer)
            schema,  # noqa: F401  (registers the OpenAPI extensions)
            strict,  # noqa: F401  (a boolean filter takes true or false, nothing else)
        )
