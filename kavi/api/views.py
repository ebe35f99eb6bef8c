"""Thin views for KAVI: chat, speech, insights and the caller's own conversations."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import ErrorSerializer
from core.api.tenancy import BusinessScopedGenericViewSet, BusinessScopedReadOnlyViewSet, request_user
from core.models import Module
from core.permissions import Role
from core.throttles import KaviRateThrottle

from .. import insights, selectors, services
from ..models import Conversation
from ..providers import speech
from ..text import detect_language
from . import serializers as s

ERROR = OpenApiResponse(ErrorSerializer, description="{code, detail, fields?}")


class ConversationViewSet(BusinessScopedReadOnlyViewSet):
    """The caller's own conversations with KAVI in the active business, newest first."""

    module = Module.KAVI

    queryset = Conversation.objects.all()
    filter_backends: list[Any] = []

    def refine_queryset(self, queryset: QuerySet) -> QuerySet:
        mine = selectors.conversations_of(queryset=queryset, user=request_user(self.request))
        if self.action == "retrieve":
            return selectors.conversation_with_messages(mine)
        return mine

    def get_serializer_class(self) -> type[s.ConversationSerializer]:
        return s.ConversationDetailSerializer if self.action == "retrieve" else s.ConversationSerializer


class KaviViewSet(BusinessScopedGenericViewSet):
    """Talk to KAVI (staff and up), hear it (staff and up), and read its insights (everyone)."""

    module = Module.KAVI

    queryset = Conversation.objects.all()
    pagination_class = None
    filter_backends: list[Any] = []
    required_roles = {"chat": Role.STAFF, "tts": Role.STAFF, "insights": Role.VIEWER}

    def get_throttles(self) -> list[Any]:
        # Talking and speaking are also limited per user per minute, on top of the defaults.
        throttles = list(super().get_throttles())
        if self.action in ("chat", "tts"):
            throttles.append(KaviRateThrottle())
        return throttles

    @extend_schema(
        request=s.ChatRequestSerializer,
        responses={200: s.ChatResponseSerializer, 400: ERROR, 404: ERROR, 429: ERROR},
    )
    @action(detail=False, methods=["post"])
    def chat(self, request: Request) -> Response:
        body = s.ChatRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request_user(request)
        conversation = None
        if body.validated_data.get("conversation_id"):
            conversation = selectors.conversation_get(
                business=self.business, user=user, pk=body.validated_data["conversation_id"]
            )
            if conversation is None:
                raise exceptions.NotFound("No such conversation.")
        conversation, reply = services.chat_exchange(
            business=self.business,
            user=user,
            question=body.validated_data["message"],
            language=s.chosen(body.validated_data.get("language")),
            conversation=conversation,
        )
        out = s.ChatResponseSerializer(
            {
                "conversation_id": conversation.pk,
                "message": reply.message,
                "suggestions": reply.suggestions,
                "data": reply.data,
                "sources": reply.sources,
                "language": reply.language,
                "intent": reply.intent,
                "provider": reply.provider,
            }
        )
        return Response(out.data)

    @extend_schema(
        request=s.SpeechRequestSerializer,
        responses={
            (200, "audio/mpeg"): OpenApiTypes.BINARY,
            400: ERROR,
            429: ERROR,
            502: ERROR,
            503: OpenApiResponse(
                ErrorSerializer, description="tts_unavailable without a provider; database_unavailable"
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def tts(self, request: Request) -> HttpResponse:
        body = s.SpeechRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["text"]
        language = s.chosen(body.validated_data.get("language")) or detect_language(text)
        audio = speech.synthesize(text=text, language=language)
        return HttpResponse(audio, content_type="audio/mpeg")

    @extend_schema(parameters=[s.InsightsQuerySerializer], responses={200: s.InsightsSerializer})
    @action(detail=False, methods=["get"])
    def insights(self, request: Request) -> Response:
        query = s.InsightsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        profile = getattr(request_user(request), "profile", None)
        language = query.validated_data.get("language") or getattr(profile, "language_preference", "en")
        return Response(
            s.InsightsSerializer(insights.insights(business=self.business, language=language)).data
        )
