"""KAVI's conversations: one per thread a user has with the assistant in a business, and its messages.
Messages are usage data (counted in the admin analytics by `created_at`), not books."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.tenancy import BusinessOwnedModel


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SWAHILI = "sw", "Kiswahili"


class Conversation(BusinessOwnedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kavi_conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["business", "user", "-updated_at"], name="kavi_conv_owner_recent")]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"


class Provider(models.TextChoices):
    BUILTIN = "builtin", "Built-in engine"
    GEMINI = "gemini", "Gemini"


class Message(BusinessOwnedModel):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=MessageRole.choices)
    content = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    intent = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    sources = models.JSONField(default=list, blank=True)
    suggestions = models.JSONField(default=list, blank=True)
    # What the engine understood, so a follow-up ("and in April?") can reuse it. Not shown.
    frame = models.JSONField(default=dict, blank=True)
    provider = models.CharField(max_length=10, choices=Provider.choices, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="kavi_msg_conv_created")]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:60]}"
