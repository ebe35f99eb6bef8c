from django.apps import AppConfig


class KaviConfig(AppConfig):
    name = "kavi"
    verbose_name = "KAVI assistant"
