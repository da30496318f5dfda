"""The one settings class shared by CLI, worker and web (env prefix RAADSBODE_)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAADSBODE_", env_file=".env", extra="ignore")

    environment: Literal["dev", "production"] = "dev"
    var_dir: Path = Path("var")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "raadsbode"
    temporal_tls: bool = False
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_api_key: str | None = None

    database_url: str = "sqlite:///var/raadsbode.db"

    smtp_host: str = "localhost"
    smtp_port: int = 8025
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 30.0

    # The association mailboxes' inbound mail (calendar replies): IMAP in production; without an IMAP
    # host the inbox reads the embedded SMTP sink's Maildir (inbox_maildir, default var/mail).
    imap_host: str | None = None
    imap_port: int = 993
    imap_user: str | None = None
    imap_password: str | None = None
    imap_folder: str = "INBOX"
    inbox_maildir: Path | None = None
    inbox_poll_seconds: float = 60.0
    # authserv-ids of the receiving mail servers whose Authentication-Results the inbox believes about who sent a
    # calendar reply (raadsbode/mail/auth_results.py), e.g. the provider's mx.example.nl; comma-separated in the env.
    trusted_authserv_id: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("trusted_authserv_id", mode="before")
    @classmethod
    def _authserv_ids(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        return [str(i).strip().lower() for i in items if str(i).strip()] if isinstance(items, list) else items

    mail_from: str = "raadsbode@localhost"
    public_base_url: str = "http://localhost:8000"
    secret_key: str = DEFAULT_SECRET
    timezone: str = "Europe/Amsterdam"

    # Ports of the embedded dev stack.
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_workers: int = Field(default=0, ge=0)  # uvicorn processes of `raadsbode web`; 0 = one per core, at most 4
    web_access_log: bool = True
    # Addresses (or networks) of the reverse proxy whose X-Forwarded-For/-Proto uvicorn believes; from anyone
    # else those headers are ignored. The public forms' per-IP limits count what uvicorn makes of them, so
    # behind a proxy not listed here every visitor is the proxy (one shared limit).
    forwarded_allow_ips: str = "127.0.0.1"
    # Activities one worker runs at once; 0 = two per core (at least 4). They are CPU-bound Python (composing
    # mail, SQL): more only adds GIL contention, which delays the workflow tasks a person's click waits on.
    worker_max_activities: int = Field(default=0, ge=0)
    # Confirmation emails the public forms (newsletter, network sign-up) send per client IP per 10 minutes, and
    # per address per form per hour; counted in each web process's memory (web/common/rate_limit.py). 0 = no limit.
    public_form_mails_per_ip: int = Field(default=5, ge=0)
    public_form_mails_per_address: int = Field(default=3, ge=0)
    # Changes (workflow updates) one personal link may make per 10 minutes, per web process (web/common/rate_limit.py);
    # a repeated answer that changes nothing is not counted. 0 = no limit.
    link_changes_per_token: int = Field(default=10, ge=0)
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    sink_port: int = 8025
    load_demo: bool = True

    @property
    def web_processes(self) -> int:
        return self.web_workers or min(4, len(os.sched_getaffinity(0)))

    @property
    def activity_slots(self) -> int:
        return self.worker_max_activities or max(4, 2 * (os.cpu_count() or 2))

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"RAADSBODE_TIMEZONE: unknown time zone '{value}' (e.g. Europe/Amsterdam)") from None
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if (self.temporal_tls_cert is None) != (self.temporal_tls_key is None):  # one alone would silently mean no mTLS
            raise ValueError("RAADSBODE_TEMPORAL_TLS_CERT and RAADSBODE_TEMPORAL_TLS_KEY are set together or not at all")
        if self.environment == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError("RAADSBODE_SECRET_KEY must be set to a random value of 32+ characters in production")
            if not self.public_base_url.startswith("https://"):
                raise ValueError("RAADSBODE_PUBLIC_BASE_URL must be https:// in production")
        self.public_base_url = self.public_base_url.rstrip("/")
        return self

    @property
    def is_dev(self) -> bool:
        return self.environment == "dev"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"


@lru_cache
def get_settings() -> Settings:
    return Settings()
