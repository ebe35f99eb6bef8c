"""POST /kavi/tts/ through the real elevenlabs client, pointed at a local fake server."""

import pytest

from core.permissions import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
TTS = "/api/v1/kavi/tts/"
MP3 = b"ID3\x04\x00\x00fake-mp3-frames"


def _audio(path, headers, body):
    return 200, "audio/mpeg", MP3, 0.0


def test_audio_comes_back_as_mpeg(owner_api, fake_elevenlabs):
    fake_elevenlabs.respond = _audio
    response = owner_api.post(
        TTS, {"text": "You spent KES 2,000.75 on transport.", "language": "en"}, format="json"
    )
    assert response.status_code == 200 and response["Content-Type"] == "audio/mpeg"
    assert response.content == MP3
    (request,) = fake_elevenlabs.requests
    assert request["path"].startswith("/v1/text-to-speech/voice-123")
    assert "output_format=mp3_44100_128" in request["target"]
    assert request["headers"]["xi-api-key"] == "test-eleven-key"
    assert request["json"]["model_id"] == "eleven_multilingual_v2"
    assert request["json"]["text"] == "You spent KES 2,000.75 on transport."


def test_swahili_uses_a_model_that_speaks_it(owner_api, fake_elevenlabs):
    fake_elevenlabs.respond = _audio
    assert (
        owner_api.post(TTS, {"text": "Ulitumia KES 2,000.75 kwa usafiri.", "language": "sw"}).status_code
        == 200
    )
    # Without a language, the text's own language decides.
    assert owner_api.post(TTS, {"text": "Wateja wanadaiwa pesa ngapi kwa jumla?"}).status_code == 200
    assert [r["json"]["model_id"] for r in fake_elevenlabs.requests] == ["eleven_v3", "eleven_v3"]


def test_without_a_key_it_is_503_tts_unavailable(owner_api, settings):
    settings.ELEVENLABS_API_KEY = None
    response = owner_api.post(TTS, {"text": "Habari"}, format="json")
    assert response.status_code == 503 and response.json()["code"] == "tts_unavailable"


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [(401, "tts_failed", 502), (422, "tts_failed", 502), (500, "tts_failed", 502), (429, "tts_failed", 502)],
)
def test_provider_errors_are_502_with_a_code(owner_api, fake_elevenlabs, status, code, expected):
    fake_elevenlabs.respond = lambda path, headers, body: (
        status,
        "application/json",
        b'{"detail": "no"}',
        0.0,
    )
    response = owner_api.post(TTS, {"text": "Habari"}, format="json")
    assert response.status_code == expected and response.json()["code"] == code
    assert len(fake_elevenlabs.requests) == 1  # no retries


def test_an_unreachable_provider_is_503(owner_api, settings):
    settings.ELEVENLABS_API_KEY = "test-eleven-key"
    settings.ELEVENLABS_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    response = owner_api.post(TTS, {"text": "Habari"}, format="json")
    assert response.status_code == 503 and response.json()["code"] == "tts_unreachable"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "x" * 2001},
        {"text": ["a"]},
        {"text": "hi", "language": "de"},
        {"text": "a\x00b"},
    ],
)
def test_bad_input_is_400(owner_api, fake_elevenlabs, body):
    fake_elevenlabs.respond = _audio
    response = owner_api.post(TTS, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert fake_elevenlabs.requests == []


def test_viewers_cannot_use_speech(make_api, business, fake_elevenlabs):
    viewer = MembershipFactory(business=business, role=Role.VIEWER).user
    assert make_api(viewer, business).post(TTS, {"text": "Habari"}, format="json").status_code == 403
