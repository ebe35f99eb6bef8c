"""Translate KAVI's requests and replies; the rules live in the services and the engine."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Conversation, Message, Provider

MAX_QUESTION_CHARS = 2000
MAX_SPEECH_CHARS = 2000
LANGUAGES = [("en", "English"), ("sw", "Kiswahili")]


@extend_schema_field({"type": "string", "enum": ["en", "sw"], "description": "en or sw"})
class LanguageField(serializers.ChoiceField):
    """en or sw. Described inline: the same choices already have a name in the users schema."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=LANGUAGES, **kwargs)  # type: ignore[arg-type]


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise serializers.ValidationError("The text has characters that can't be read.") from None
    return value


@extend_schema_field(
    {
        "type": "string",
        "enum": ["en", "sw", "auto"],
        "description": "en, sw, or auto (the default): the reply is in the language of the question",
    }
)
class ReplyLanguageField(serializers.ChoiceField):
    """What a chat or speech request may ask for; "auto" reads as no preference (see `chosen`)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=[*LANGUAGES, ("auto", "Auto")], **kwargs)  # type: ignore[arg-type]


def chosen(language: str | None) -> str | None:
    """en or sw when the request named one; None for auto or nothing (KAVI follows the question)."""
    return language if language in ("en", "sw") else None


class ChatRequestSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=MAX_QUESTION_CHARS, trim_whitespace=True)
    conversation_id = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )
    language = ReplyLanguageField(required=False, allow_null=True)

    def validate_message(self, value: str) -> str:
        return _encodable(value)


class SourceSerializer(serializers.Serializer):
    tool = serializers.CharField()
    params = serializers.DictField()


class ChatResponseSerializer(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    message = serializers.CharField(help_text="What is shown and spoken; every figure comes from the books.")
    suggestions = serializers.ListField(child=serializers.CharField())
    data = serializers.DictField(  # type: ignore[assignment]  # a field called data, as API.md names it
        help_text="The structured result, figures as decimal strings."
    )
    sources = SourceSerializer(many=True)
    language = LanguageField()
    intent = serializers.CharField()
    provider = serializers.CharField()


class MessageSerializer(serializers.ModelSerializer):
    language = LanguageField(read_only=True)
    # Blank for the user's own messages: only KAVI's replies have a provider.
    provider = serializers.ChoiceField(choices=Provider.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "role",
            "content",
            "language",
            "intent",
            "data",
            "sources",
            "suggestions",
            "provider",
            "latency_ms",
            "created_at",
        ]
        read_only_fields = fields


class ConversationSerializer(serializers.ModelSerializer):
    message_count = serializers.IntegerField(read_only=True)
    last_message = serializers.CharField(read_only=True, allow_null=True)
    last_message_at = serializers.DateTimeField(read_only=True, allow_null=True)
    language = LanguageField(read_only=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "title",
            "language",
            "message_count",
            "last_message",
            "last_message_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ConversationDetailSerializer(ConversationSerializer):
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(ConversationSerializer.Meta):
        fields = [*ConversationSerializer.Meta.fields, "messages"]
        read_only_fields = fields


class SpeechRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_SPEECH_CHARS, trim_whitespace=True)
    language = ReplyLanguageField(required=False, allow_null=True)

    def validate_text(self, value: str) -> str:
        return _encodable(value)


class InsightsQuerySerializer(serializers.Serializer):
    language = LanguageField(required=False)


class FindingSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            "overdue_invoices",
            "spending_spike",
            "budget_warning",
            "budget_exceeded",
            "cash_shortfall",
            "unapplied_payments",
        ]
    )
    severity = serializers.ChoiceField(choices=["high", "medium", "low"])
    title = serializers.CharField()
    message = serializers.CharField()
    data = serializers.DictField(  # type: ignore[assignment]  # a field called data, as the spec names it
        help_text="The finding's figures, amounts as decimal strings."
    )


class InsightsSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    currency = serializers.CharField()
    language = LanguageField()
    findings = FindingSerializer(many=True)
