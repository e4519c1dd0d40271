"""Settings from the environment (prefix SHOPKEEPER_); a wrong value stops start-up naming it."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from cryptography.fernet import Fernet
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BROKER_SCHEMES = ("memory", "redis", "amqp", "amqps", "kafka", "nats")
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")
DEMO_SECRET = "demo-secret-key-not-for-production-0123456789abcdef"  # noqa: S105


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOPKEEPER_", env_file=".env", extra="ignore")

    demo: bool = False
    database_url: str = "sqlite+aiosqlite:///./shopkeeper.db"
    database_echo: bool = False
    broker_url: str = "memory://"
    redis_url: str | None = None
    secret_key: str = ""
    encryption_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    public_url: str | None = None
    admin_password: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    discord_api_url: str = "https://discord.com/api/v10"
    stripe_api_url: str = "https://api.stripe.com"
    yookassa_api_url: str = "https://api.yookassa.ru/v3"
    payu_api_url: str = "https://secure.payu.com"
    przelewy24_api_url: str = "https://secure.przelewy24.pl"
    # The external delivery Calendar API (checkout.shipping); unset: no delivery dates offered.
    delivery_calendar_url: str | None = Field(default=None, pattern=r"^(https?://\S+)?$")
    access_token_minutes: int = Field(default=15, ge=1, le=1440)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    login_max_failures: int = Field(default=5, ge=1)
    login_lock_minutes: int = Field(default=15, ge=1)
    login_delay_seconds: float = Field(default=0.5, ge=0, le=10)
    rate_limit_per_minute: int = Field(default=100, ge=1)
    event_max_attempts: int = Field(default=5, ge=1, le=100)
    order_ttl_minutes: int = Field(default=60, ge=1, le=43_200)  # unpaid orders expire
    webhooks_allow_http: bool = False  # outbound webhooks to http://127.0.0.1 / localhost
    event_retry_base_seconds: float = Field(default=1.0, ge=0)
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(default=0.05, gt=0, le=60)
    broker_namespace: str = Field(default="", pattern=r"^[A-Za-z0-9_-]{0,32}$")
    extra_task_modules: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Days before a subscription's end to remind the customer ("3,1"; empty: only at expiry).
    subscription_reminder_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [3, 1]
    )
    # Hours before the end an automatically renewing subscription's saved method is charged.
    renewal_lead_hours: int = Field(default=24, ge=1, le=720)
    # Broadcasts: messages a second per bot (Telegram: 30; paid broadcasts: up to 1000), and
    # how long a worker's claim on a batch of recipients lasts before another may take it.
    broadcast_rate_per_second: float = Field(default=30.0, gt=0, le=30)
    broadcast_paid_rate_per_second: float = Field(default=1000.0, gt=0, le=1000)
    broadcast_lease_seconds: int = Field(default=60, ge=5, le=3600)
    log_level: str = "INFO"
    log_json: bool = True
    cookie_secure: bool | None = None
    # Catalog media: a local directory (served at /media) unless S3-compatible storage is set.
    media_dir: str = "./media"
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_public_url: str | None = None
    # Outgoing email (sign-in codes, payment confirmations); unset host: logged, not sent.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)  # 465: implicit TLS
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "Shopkeeper <no-reply@localhost>"
    smtp_starttls: bool = True
    # Outgoing SMS: "log" writes them to the log (event sms.not_sent_logged), "twilio" sends
    # through a Twilio-compatible Messages API at sms_api_url.
    sms_provider: Literal["log", "twilio"] = "log"
    sms_api_url: str = "https://api.twilio.com"
    sms_account_sid: str | None = None
    sms_auth_token: str | None = None
    sms_from: str | None = None

    @field_validator("database_url")
    @classmethod
    def _database_scheme(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(tuple(s + "://" for s in DATABASE_SCHEMES)):
            raise ValueError(f"must start with one of {', '.join(DATABASE_SCHEMES)}://")
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_scheme(cls, value: str) -> str:
        if value.split("://", 1)[0] not in BROKER_SCHEMES or "://" not in value:
            raise ValueError(f"scheme must be one of {', '.join(BROKER_SCHEMES)}")
        return value

    @field_validator("encryption_keys", "extra_task_modules", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("encryption_keys")
    @classmethod
    def _fernet_keys(cls, value: list[str]) -> list[str]:
        for index, key in enumerate(value):
            try:
                Fernet(key)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"key #{index + 1} is not a valid Fernet key") from exc
        return value

    @field_validator("subscription_reminder_days", mode="before")
    @classmethod
    def _reminder_days(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("subscription_reminder_days")
    @classmethod
    def _reminder_days_range(cls, value: list[int]) -> list[int]:
        if any(not 1 <= days <= 365 for days in value):
            raise ValueError("each value must be a whole number of days from 1 to 365")
        return sorted(set(value), reverse=True)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @model_validator(mode="after")
    def _s3_complete(self) -> Settings:
        if self.s3_endpoint_url:
            missing = [
                f"SHOPKEEPER_{name.upper()}"
                for name in ("s3_bucket", "s3_access_key_id", "s3_secret_access_key")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"S3 media storage also needs {', '.join(missing)}")
        return self

    @model_validator(mode="after")
    def _secrets_outside_demo(self) -> Settings:
        if not self.secret_key:
            if not self.demo:
                raise ValueError(
                    "SHOPKEEPER_SECRET_KEY is required outside demo mode "
                    "(generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            self.secret_key = DEMO_SECRET
        if len(self.secret_key) < 32:
            raise ValueError("SHOPKEEPER_SECRET_KEY must be at least 32 characters")
        if not self.encryption_keys:
            if not self.demo:
                raise ValueError(
                    "SHOPKEEPER_ENCRYPTION_KEYS is required outside demo mode (comma-separated "
                    "Fernet keys; generate one with shopkeeper keygen)"
                )
            self.encryption_keys = [derive_demo_fernet_key(self.secret_key)]
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def broker_scheme(self) -> str:
        return self.broker_url.split("://", 1)[0]

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return bool(self.public_url and self.public_url.startswith("https://"))


def derive_demo_fernet_key(secret: str) -> str:
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()).decode()


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning a validation failure into one clear message per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "settings"
            name = f"SHOPKEEPER_{field.upper()}" if error["loc"] else "settings"
            lines.append(f"  {name}: {error['msg'].removeprefix('Value error, ')}")
        raise SettingsError("Invalid configuration:\n" + "\n".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
