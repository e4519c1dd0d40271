"""Staff's overview of gateways: each provider's form fields and the mode its keys tell."""

from __future__ import annotations

import pytest

from shopkeeper import payments


def test_fields_follow_each_providers_model_and_secrets_are_marked() -> None:
    fields = {f.name: (f.kind, f.required) for f in payments.gateway_fields("yookassa")}
    assert fields == {"shop_id": ("text", True), "secret_key": ("secret", True),
                      "capture": ("flag", False), "ip_allowlist": ("lines", False)}  # fmt: skip
    p24 = {f.name: f.kind for f in payments.gateway_fields("przelewy24")}
    assert p24["merchant_id"] == "number" and p24["crc"] == p24["api_key"] == "secret"
    with pytest.raises(payments.ProviderNotSupported):
        payments.gateway_fields("bitcoin")


@pytest.mark.parametrize(
    ("provider", "config", "mode"),
    [
        ("stripe", {"secret_key": "sk_test_abcdefgh1234"}, "test"),
        ("stripe", {"secret_key": "rk_live_abcdefgh1234"}, "live"),
        ("yookassa", {"secret_key": "live_abcdefgh"}, "live"),
        ("yookassa", {"secret_key": "test_abcdefgh"}, "test"),
        ("sandbox", {}, "test"),
        ("payu", {"second_key": "x" * 20}, None),
    ],
)
def test_the_mode_is_told_by_the_keys(
    provider: str, config: dict[str, str], mode: str | None
) -> None:
    from shopkeeper.payments.service.gateway_settings import gateway_mode

    assert gateway_mode(provider, config) == mode
