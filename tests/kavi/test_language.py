"""KAVI replies in the language of the question (`language: auto`, or none given), and a Swahili
answer says the standard category names in Kiswahili."""

import pytest

from kavi.category_words import in_swahili, swahili_category
from kavi.names import Entity, NameIndex
from tests.kavi.conftest import kes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["auto", None, "omitted"])
def test_a_swahili_question_gets_a_swahili_answer_whatever_the_app_language(books, chat, language):
    extra = {} if language == "omitted" else {"language": language}
    body = chat("Tulitumia pesa ngapi kwa usafiri mwezi Machi 2025?", **extra)
    assert body["language"] == "sw"
    assert kes("2000.75") in body["message"]
    assert "Usafiri (Transport)" in body["message"]
    assert all("Transport" not in s for s in body["suggestions"])
    # The figures stay keyed by the books' own name.
    assert body["sources"][0]["params"]["category"] == "Transport"


def test_an_english_question_gets_english_under_auto(books, chat):
    body = chat("How much did we spend on transport in March 2025?", language="auto")
    assert body["language"] == "en" and "Transport" in body["message"]


def test_an_explicit_language_still_wins(books, chat):
    body = chat("How much did we spend on transport in March 2025?", language="sw")
    assert body["language"] == "sw"


def test_an_unknown_language_is_a_400(books, make_api, owner, business):
    response = make_api(owner, business).post(
        "/api/v1/kavi/chat/", {"message": "hi", "language": "fr"}, format="json"
    )
    assert response.status_code == 400 and "language" in response.json()["fields"]


def test_standard_names_in_either_spelling_and_own_names_untouched():
    assert swahili_category("Repairs & Maintenance") == "Ukarabati na matengenezo"
    assert swahili_category("repairs and maintenance") == "Ukarabati na matengenezo"
    assert swahili_category("Airtime & Data") == "Muda wa maongezi na data"
    assert swahili_category("Mama Mboga supplies") is None


def test_a_party_named_after_a_category_is_kept_whole():
    names = NameIndex(
        [
            Entity("category", "Transport", 1, "expense"),
            Entity("category", "Fundi wa Kariakor", 2, "expense"),
            Entity("supplier", "Transport Masters", 3),
        ]
    )
    text = "Ulitumia KES 500.00 kwa Transport; Transport Masters alilipwa; Fundi wa Kariakor pia."
    assert in_swahili(text, names, keep_book_name=False) == (
        "Ulitumia KES 500.00 kwa Usafiri; Transport Masters alilipwa; Fundi wa Kariakor pia."
    )
    assert in_swahili("kwa Transport.", names) == "kwa Usafiri (Transport)."
