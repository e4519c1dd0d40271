"""Consents over HTTP: the shopper reads current texts in their language and answers them by
version; an answer to a text that has since changed is refused (409) and edited texts make a
new version that earlier answers do not satisfy; finalize_blockers and the summary's
`missing` follow; the snapshot keeps the exact text; staff permissions, tenancy, audit."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.checkout.customer import customer_snapshot, finalize_blockers
from shopkeeper.db import unit_of_work
from shopkeeper.shops import Role
from tests.builders.staff import staff_member
from tests.checkout.customer.support import (
    CUSTOMER,
    NEWS,
    TERMS,
    Lipa,
    answer,
    create_consent,
    events,
    new_cart,
    open_lipa,
    shown,
)

TERMS_V2 = {"en": "I accept the terms of sale of 1 March.", "pl": "Akceptuję regulamin z 1 marca."}


async def _blockers(container: Container, lipa: Lipa, headers: dict[str, str]) -> list[str]:
    cart = await client_cart_id(container, lipa, headers)
    async with unit_of_work(container.sessions) as session:
        return await finalize_blockers(session, shop_id=lipa.shop.id, cart_id=cart)


async def client_cart_id(container: Container, lipa: Lipa, headers: dict[str, str]) -> uuid.UUID:
    from shopkeeper.checkout.cart import CartOwner, find_cart

    async with unit_of_work(container.sessions) as session:
        cart = await find_cart(
            session,
            shop_id=lipa.shop.id,
            owner=CartOwner(customer_id=None, token=headers["X-Cart-Token"]),
        )
        assert cart is not None
        return cart.id


async def test_texts_in_the_shoppers_language(client: AsyncClient, lipa: Lipa) -> None:
    await create_consent(client, lipa, "news", NEWS, position=2)
    await create_consent(client, lipa, "terms", TERMS, required=True, position=1)
    headers = await new_cart(client, lipa)

    by_query = await client.get(lipa.url("/checkout/consents"), params={"lang": "pl"},
                                headers=headers | {"Accept-Language": "ru"})  # fmt: skip
    assert by_query.json()["language"] == "pl"
    assert [(c["code"], c["required"], c["version"], c["text"], c["accepted"])
            for c in by_query.json()["consents"]] == [
        ("terms", True, 1, TERMS["pl"], False), ("news", False, 1, NEWS["pl"], False),
    ]  # fmt: skip
    russian = await shown(client, lipa, headers | {"Accept-Language": "ru-RU,ru;q=0.9"})
    assert (russian["news"]["language"], russian["news"]["text"]) == ("ru", NEWS["ru"])
    # No Russian terms: the shop's default language (en) instead, and it says so.
    assert (russian["terms"]["language"], russian["terms"]["text"]) == ("en", TERMS["en"])
    anonymous = await shown(client, lipa, {})  # no cart yet: the texts, nothing accepted
    assert anonymous["terms"]["text"] == TERMS["en"] and not anonymous["terms"]["accepted"]


async def test_editing_a_text_makes_a_new_version_and_old_answers_stop_counting(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    await create_consent(client, lipa, "news", NEWS)
    headers = await new_cart(client, lipa)
    assert await _blockers(container, lipa, headers) == ["customer_data", "consent:terms"]

    given = await answer(client, lipa, headers,
                         {"code": "terms", "version_id": terms["current"]["id"], "accepted": True},
                         {"code": "news", "version": 1, "accepted": False})  # fmt: skip
    assert given.status_code == 200, given.text
    assert [
        (c["code"], c["accepted"], c["answered_version"]) for c in given.json()["consents"]
    ] == [("news", False, 1), ("terms", True, 1)]
    assert await _blockers(container, lipa, headers) == ["customer_data"]

    edited = await client.patch(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers,
                                json={"texts": TERMS_V2})  # fmt: skip
    assert edited.status_code == 200, edited.text
    v2 = edited.json()["current"]
    assert v2["number"] == 2 and v2["texts"] == TERMS_V2 and v2["id"] != terms["current"]["id"]
    now = await shown(client, lipa, headers)
    assert (now["terms"]["version"], now["terms"]["accepted"], now["terms"]["answered_version"]) \
        == (2, False, 1)  # fmt: skip
    assert await _blockers(container, lipa, headers) == ["customer_data", "consent:terms"]

    # The shopper's page still showed version 1: refused, with the current version named.
    for stale in ({"version_id": terms["current"]["id"]}, {"version": 1}):
        refused = await answer(client, lipa, headers,
                               {"code": "news", "version": 1, "accepted": True},
                               {"code": "terms", "accepted": True, **stale})  # fmt: skip
        assert refused.status_code == 409, refused.text
        assert refused.json() | {"detail": ""} == {
            "error": "ConsentVersionOutdated", "detail": "", "code": "terms",
            "current_version_id": v2["id"], "current_version": 2,
        }  # fmt: skip
    unchanged = await shown(client, lipa, headers)
    assert unchanged["news"]["accepted"] is False  # the whole answer was refused
    assert unchanged["terms"]["answered_version"] == 1

    again = await answer(
        client, lipa, headers, {"code": "terms", "version_id": v2["id"], "accepted": True}
    )
    assert again.status_code == 200
    assert await _blockers(container, lipa, headers) == ["customer_data"]
    same = await client.patch(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers,
                              json={"texts": TERMS_V2})  # fmt: skip
    assert same.json()["current"]["number"] == 2  # the same text is no new version
    detail = await client.get(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers)
    assert [(v["number"], v["texts"]) for v in detail.json()["versions"]] == [
        (2, TERMS_V2), (1, TERMS)
    ]  # fmt: skip


async def test_answers_that_name_no_current_consent_are_refused(
    client: AsyncClient, lipa: Lipa
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    news = await create_consent(client, lipa, "news", NEWS)
    headers = await new_cart(client, lipa)
    cases = [
        ({"code": "cookies", "version": 1, "accepted": True}, 422, "ConsentUnknown"),
        ({"code": "terms", "version_id": news["current"]["id"], "accepted": True}, 422,
         "ConsentVersionInvalid"),
        ({"code": "terms", "version_id": str(uuid.uuid4()), "accepted": True}, 422,
         "ConsentVersionInvalid"),
        ({"code": "terms", "version": 2, "accepted": True}, 422, "ConsentVersionInvalid"),
        ({"code": "terms", "version_id": terms["current"]["id"], "version": 2, "accepted": True},
         422, "ConsentVersionInvalid"),
        ({"code": "terms", "accepted": True}, 422, "ValidationError"),
    ]  # fmt: skip
    for body, status, error in cases:
        response = await answer(client, lipa, headers, body)
        assert (response.status_code, response.json()["error"]) == (status, error), body
    twice = await answer(client, lipa, headers, {"code": "news", "version": 1, "accepted": True},
                         {"code": "NEWS", "version": 1, "accepted": False})  # fmt: skip
    assert twice.status_code == 422
    no_cart = await answer(client, lipa, {}, {"code": "terms", "version": 1, "accepted": True})
    assert no_cart.status_code == 404
    assert not any(c["answered_version"] for c in (await shown(client, lipa, headers)).values())


async def test_deactivated_consents_are_neither_asked_nor_blocking(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    headers = await new_cart(client, lipa)
    assert "consent:terms" in await _blockers(container, lipa, headers)

    off = await client.delete(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers)
    assert off.status_code == 200 and off.json()["active"] is False

    assert await shown(client, lipa, headers) == {}
    assert await _blockers(container, lipa, headers) == ["customer_data"]
    refused = await answer(client, lipa, headers, {"code": "terms", "version": 1,
                                                   "accepted": True})  # fmt: skip
    assert refused.status_code == 422
    listed = await client.get(lipa.url("/consents"), params={"active": "false"},
                              headers=lipa.owner.headers)  # fmt: skip
    assert [c["code"] for c in listed.json()] == ["terms"]
    back = await client.patch(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers,
                              json={"active": True})  # fmt: skip
    assert back.json()["active"] is True and "terms" in await shown(client, lipa, headers)


async def test_the_summary_lists_what_the_customer_part_lacks(
    client: AsyncClient, lipa: Lipa
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    await create_consent(client, lipa, "news", NEWS)  # optional: never a blocker
    headers = await new_cart(client, lipa)

    async def missing() -> list[str]:
        response = await client.get(lipa.url("/checkout/summary"), headers=headers)
        assert response.status_code == 200, response.text
        return [m for m in response.json()["missing"] if m.startswith(("customer", "consent"))]

    assert await missing() == ["customer_data", "consent:terms"]
    await client.post(lipa.url("/checkout/customer-data"), headers=headers, json=CUSTOMER)
    await answer(client, lipa, headers, {"code": "terms", "version": 1, "accepted": False})
    assert await missing() == ["consent:terms"]  # refused is not accepted
    await answer(
        client,
        lipa,
        headers,
        {"code": "terms", "version_id": terms["current"]["id"], "accepted": True},
    )
    assert await missing() == []


async def test_the_snapshot_keeps_the_exact_text_the_shopper_answered(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    headers = await new_cart(client, lipa)
    cart_id = await client_cart_id(container, lipa, headers)
    async with unit_of_work(container.sessions) as session:
        assert await finalize_blockers(session, shop_id=lipa.shop.id, cart_id=cart_id) == [
            "customer_data", "consent:terms"]  # fmt: skip
    await client.post(lipa.url("/checkout/customer-data"), headers=headers, json=CUSTOMER)
    polish = await client.post(
        lipa.url("/checkout/consents"),
        params={"lang": "pl"},
        headers=headers,
        json={"consents": [{"code": "terms", "version": 1, "accepted": True}]},
    )
    assert polish.status_code == 200, polish.text
    await client.patch(lipa.url(f"/consents/{terms['id']}"), headers=lipa.owner.headers,
                       json={"texts": TERMS_V2})  # fmt: skip

    async with unit_of_work(container.sessions) as session:
        snapshot = await customer_snapshot(session, shop_id=lipa.shop.id, cart_id=cart_id)
    assert (snapshot.email, snapshot.phone, snapshot.name) == (
        "ola.nowak@example.com", "+48600100200", "Ola Nowak")  # fmt: skip
    [kept] = snapshot.consents
    assert (kept.code, kept.version, kept.accepted, kept.current, kept.language, kept.text) == (
        "terms", 1, True, False, "pl", TERMS["pl"])  # fmt: skip
    published = await events(container, "checkout.consents_given.v1")
    assert [(e.topic, [(c["code"], c["version"], c["accepted"]) for c in e.payload["consents"]])
            for e in published] == [("checkout-events", [("terms", 1, True)])]  # fmt: skip


async def test_staff_rules_permissions_tenancy_and_audit(
    client: AsyncClient, lipa: Lipa, container: Container
) -> None:
    terms = await create_consent(client, lipa, "terms", TERMS, required=True)
    viewer = await staff_member(container, client, shop=lipa.shop, role=Role.VIEWER)
    url = lipa.url(f"/consents/{terms['id']}")

    assert (await client.get(lipa.url("/consents"), headers=viewer.headers)).status_code == 200
    refused = [
        await client.post(lipa.url("/consents"), headers=viewer.headers,
                          json={"code": "x", "texts": {"en": "x"}}),
        await client.patch(url, headers=viewer.headers, json={"texts": TERMS_V2}),
        await client.delete(url, headers=viewer.headers),
    ]  # fmt: skip
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert (await client.get(lipa.url("/consents"))).status_code == 401
    other = await open_lipa(container, client, slug="grab")
    assert (await client.get(url.replace("/lipa/", "/grab/"),
                             headers=other.owner.headers)).status_code == 404  # fmt: skip
    assert (await client.get(lipa.url("/consents"), headers=other.owner.headers)).status_code \
        == 404  # fmt: skip

    taken = await client.post(lipa.url("/consents"), headers=lipa.owner.headers,
                              json={"code": " Terms ", "texts": {"pl": "x"}})  # fmt: skip
    assert taken.status_code == 409
    bad = await client.post(
        lipa.url("/consents"),
        headers=lipa.owner.headers,
        json={"code": "no spaces", "texts": {"en": "  ", "de": "x"}},
    )
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["fields"]} == {"body.code", "body.texts.de"}
    empty = await client.post(lipa.url("/consents"), headers=lipa.owner.headers,
                              json={"code": "empty", "texts": {"en": " "}})  # fmt: skip
    assert empty.status_code == 422

    await client.patch(url, headers=lipa.owner.headers, json={"texts": TERMS_V2})
    await client.delete(url, headers=lipa.owner.headers)
    async with unit_of_work(container.sessions) as session:
        page = await audit.list_entries(session, shop_id=lipa.shop.id)
    entries = [e for e in reversed(page.items) if e.target_type == "checkout_consent"]
    assert [e.action for e in entries] == [
        "checkout_consent.created",
        "checkout_consent.updated",
        "checkout_consent.deactivated",
    ]
    updated = entries[1]
    assert updated.before is not None and updated.after is not None
    assert (updated.before["current"]["number"], updated.after["current"]["number"]) == (1, 2)
    assert updated.after["current"]["texts"] == TERMS_V2
    assert all(e.actor_label == lipa.owner.user.email for e in entries)
