"""Deep-link payloads, and the fake's Update builders against aiogram's own types."""

from __future__ import annotations

import pytest
from aiogram.types import Update

from shopkeeper.bots.telegram import StartPayload, parse_start_payload, start_link
from tests.fakes import telegram as fake
from tests.fakes.telegram_updates import channel_chat

PRODUCT = "01a2b3c4-d5e6-7f80-9a0b-c1d2e3f4a5b6"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("plan_gold", StartPayload(plan="gold")),
        (f"plan_{PRODUCT}", StartPayload(plan=PRODUCT)),
        ("promo_spring-25", StartPayload(promo="SPRING-25")),
        ("ref_my_blog", StartPayload(ref="my_blog")),
        ("ref_blog__promo_X1__plan_pro", StartPayload(plan="pro", promo="X1", ref="blog")),
        ("ref_a__ref_b", StartPayload(ref="a")),
        ("hello", StartPayload()),
        ("promo_", StartPayload()),
        ("ref_x y", StartPayload()),
        ("ref_" + "x" * 70, StartPayload()),
        (None, StartPayload()),
    ],
)  # fmt: skip
def test_start_payloads(payload: str | None, expected: StartPayload) -> None:
    assert parse_start_payload(payload) == expected


def test_start_links_round_trip() -> None:
    link = start_link("lumen_bot", plan="gold", promo="SPRING", ref="blog")
    assert link == "https://t.me/lumen_bot?start=plan_gold__promo_SPRING__ref_blog"
    assert parse_start_payload(link.split("=", 1)[1]) == StartPayload("gold", "SPRING", "blog")
    assert start_link("lumen_bot") == "https://t.me/lumen_bot"
    with pytest.raises(ValueError):
        start_link("lumen_bot", ref="x" * 80)


def test_every_builder_makes_an_update_aiogram_accepts() -> None:
    user, channel = fake.tg_user(), channel_chat(-1001234567890)
    bot_user = fake.tg_user(42, first_name="Bot", is_bot=True)
    updates = {
        "message": fake.command_update(user, "start", "ref_x"),
        "callback_query": fake.callback_update(user, "menu:buy"),
        "chat_join_request": fake.chat_join_request_update(user, channel),
        "chat_member": fake.chat_member_update(user, channel, old="left", new="member"),
        "my_chat_member": fake.my_chat_member_update(user, bot_user),
        "pre_checkout_query": fake.pre_checkout_update(user, total_amount=50, payload="o:1"),
    }
    for kind, payload in updates.items():
        assert Update.model_validate(payload).event_type == kind
    paid = Update.model_validate(fake.successful_payment_update(user, total_amount=50,
                                                                payload="o:1"))  # fmt: skip
    assert paid.message and paid.message.successful_payment
    assert paid.message.successful_payment.currency == "XTR"
