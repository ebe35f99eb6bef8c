"""Speech through ElevenLabs when a key is set; otherwise the app speaks with the browser. The SDK is
imported on first use: it is slow to import, which every worker boot would otherwise pay."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from rest_framework import status

from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)
OUTPUT_FORMAT = "mp3_44100_128"
TIMEOUT_SECONDS = 30


def speech_model(language: str) -> str:
    """eleven_v3 speaks Kiswahili; the multilingual model is used for English."""
    return settings.ELEVENLABS_SWAHILI_MODEL if language == "sw" else settings.ELEVENLABS_MODEL


def synthesize(*, text: str, language: str) -> bytes:
    """MP3 audio of `text`. 503 `tts_unavailable` without a key; provider failures are 502/503."""
    if not settings.ELEVENLABS_API_KEY:
        raise ApplicationError(
            "tts_unavailable",
            "Speech is not set up on this server; the app will speak with the browser.",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    from elevenlabs.client import ElevenLabs  # the SDK on first use (see the module docstring)
    from elevenlabs.core.api_error import ApiError

    client = ElevenLabs(
        api_key=settings.ELEVENLABS_API_KEY,
        base_url=settings.ELEVENLABS_BASE_URL or None,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        chunks = client.text_to_speech.convert(
            settings.ELEVENLABS_VOICE_ID,
            text=text,
            model_id=speech_model(language),
            output_format=OUTPUT_FORMAT,
            request_options={"max_retries": 0},
        )
        audio = b"".join(chunks)
    except ApiError as exc:
        logger.warning("ElevenLabs refused the request: %s", exc.status_code)
        raise ApplicationError(
            "tts_failed",
            "The speech provider could not read this text.",
            status_code=status.HTTP_502_BAD_GATEWAY,
        ) from exc
    except httpx.TimeoutException as exc:
        raise ApplicationError(
            "tts_timeout",
            "The speech provider took too long.",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        ) from exc
    except httpx.HTTPError as exc:
        logger.warning("ElevenLabs unreachable: %s", exc)
        raise ApplicationError(
            "tts_unreachable",
            "The speech provider is unreachable.",
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        ) from exc
    if not audio:
        raise ApplicationError(
            "tts_failed", "The speech provider returned no audio.", status_code=status.HTTP_502_BAD_GATEWAY
        )
    return audio
