"""Settings from the environment (``OPENRD_*``), built by a function; nothing is read at import time."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openrd.domain.verification import CodePolicy

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
SMS_SENDERS = ("inbox", "log", "webhook", "aliyun")
MAX_CODE_TTL_SECONDS = 600  # configurable, never over 10 minutes (docs/behaviour.md#code-lifecycle)


class ConfigError(ValueError):
    """A setting has a value openrd cannot use; the message names the variable."""


@dataclass(frozen=True)
class SmsSettings:
    sender: str = "inbox"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_seconds: float = 5.0
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: str | None = None
    aliyun_endpoint: str = "dysmsapi.aliyuncs.com"
    aliyun_sign_name: str | None = None
    aliyun_template_code: str | None = None
    max_attempts: int = 8
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 300.0


@dataclass(frozen=True)
class TlsSettings:
    """The TLS listener (docs/https.md): its port (None: none), and a certificate of the operator's own, else the
    local CA's."""

    port: int | None = None
    cert_file: Path | None = None
    key_file: Path | None = None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    database_pool_size: int = 40  # PostgreSQL connections each server process keeps (opened as needed)
    call_threads: int = 8  # PostgreSQL: threads each server process runs OpenAPI calls on (api/app.py, CallThreads)
    secret_key: str | None = None
    admin_token: str | None = None
    verify_signatures: bool = True
    timestamp_window_seconds: int = 900
    sites_file: Path | None = None
    seed: int | None = None
    clock_start: str | None = None  # RFC 3339: `openrd serve` starts the emulator clock at this time
    log_level: str = "INFO"
    log_json: bool = True
    max_body_bytes: int = 1_048_576
    max_header_bytes: int = 32_768  # the request line and every header together
    request_read_timeout_seconds: float = 10.0  # a whole request must arrive within this (docs/security.md)
    keep_alive_timeout_seconds: float = 5.0  # an idle kept-alive connection is closed after this
    max_connections: int = 1000  # open connections per server process; more are refused or evict idle ones
    allowed_hosts: tuple[str, ...] = ()  # Host names the control API answers besides the loopback ones
    forwarded_allow_ips: tuple[str, ...] = ()  # proxies whose X-Forwarded-For/-Proto are believed; none by default
    maintenance_interval_seconds: int = 60  # purge of expired codes and nonces; 0 turns it off
    tls: TlsSettings = field(default_factory=TlsSettings)
    codes: CodePolicy = field(default_factory=CodePolicy)
    sms: SmsSettings = field(default_factory=SmsSettings)

    @property
    def store_kind(self) -> str:
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"


def default_data_dir(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "openrd"


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _int(environ: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
    return value


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a positive number, not {raw!r}")
    return value


def _opt(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _code_policy(environ: Mapping[str, str]) -> CodePolicy:
    return CodePolicy(
        length=_int(environ, "OPENRD_CODE_LENGTH", 6, low=6, high=8),
        ttl_seconds=_int(environ, "OPENRD_CODE_TTL_SECONDS", 300, low=30, high=MAX_CODE_TTL_SECONDS),
        max_attempts=_int(environ, "OPENRD_CODE_MAX_ATTEMPTS", 5, low=1, high=100),
        daily_quota=_int(environ, "OPENRD_DAILY_CODE_QUOTA", 100, low=1, high=1_000_000),
        per_phone_windows=(
            (60, _int(environ, "OPENRD_PHONE_LIMIT_PER_MINUTE", 1, low=1, high=1_000_000)),
            (3600, _int(environ, "OPENRD_PHONE_LIMIT_PER_HOUR", 5, low=1, high=1_000_000)),
            (86400, _int(environ, "OPENRD_PHONE_LIMIT_PER_DAY", 10, low=1, high=1_000_000)),
        ),
    )


def _sms(environ: Mapping[str, str]) -> SmsSettings:
    sender = environ.get("OPENRD_SMS_SENDER", "inbox").strip().lower() or "inbox"
    if sender not in SMS_SENDERS:
        raise ConfigError(f"OPENRD_SMS_SENDER must be one of {', '.join(SMS_SENDERS)}, not {sender!r}")
    settings = SmsSettings(
        sender=sender,
        webhook_url=_opt(environ, "OPENRD_SMS_WEBHOOK_URL"),
        webhook_secret=_opt(environ, "OPENRD_SMS_WEBHOOK_SECRET"),
        webhook_timeout_seconds=_float(environ, "OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", 5.0),
        aliyun_access_key_id=_opt(environ, "OPENRD_SMS_ALIYUN_ACCESS_KEY_ID"),
        aliyun_access_key_secret=_opt(environ, "OPENRD_SMS_ALIYUN_ACCESS_KEY_SECRET"),
        aliyun_endpoint=_opt(environ, "OPENRD_SMS_ALIYUN_ENDPOINT") or "dysmsapi.aliyuncs.com",
        aliyun_sign_name=_opt(environ, "OPENRD_SMS_ALIYUN_SIGN_NAME"),
        aliyun_template_code=_opt(environ, "OPENRD_SMS_ALIYUN_TEMPLATE_CODE"),
        max_attempts=_int(environ, "OPENRD_SMS_MAX_ATTEMPTS", 8, low=1, high=100),
        backoff_base_seconds=_float(environ, "OPENRD_SMS_BACKOFF_BASE_SECONDS", 1.0),
        backoff_max_seconds=_float(environ, "OPENRD_SMS_BACKOFF_MAX_SECONDS", 300.0),
    )
    if sender == "webhook" and not (settings.webhook_url and settings.webhook_secret):
        raise ConfigError("OPENRD_SMS_SENDER=webhook needs OPENRD_SMS_WEBHOOK_URL and OPENRD_SMS_WEBHOOK_SECRET")
    if sender == "aliyun":
        needed = {
            "OPENRD_SMS_ALIYUN_ACCESS_KEY_ID": settings.aliyun_access_key_id,
            "OPENRD_SMS_ALIYUN_ACCESS_KEY_SECRET": settings.aliyun_access_key_secret,
            "OPENRD_SMS_ALIYUN_SIGN_NAME": settings.aliyun_sign_name,
            "OPENRD_SMS_ALIYUN_TEMPLATE_CODE": settings.aliyun_template_code,
        }
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise ConfigError(f"OPENRD_SMS_SENDER=aliyun needs {', '.join(missing)}")
    return settings


def _tls(environ: Mapping[str, str]) -> TlsSettings:
    port = _int(environ, "OPENRD_TLS_PORT", -1, low=0, high=65535)
    cert, key = _opt(environ, "OPENRD_TLS_CERT_FILE"), _opt(environ, "OPENRD_TLS_KEY_FILE")
    if (cert is None) != (key is None):
        raise ConfigError("OPENRD_TLS_CERT_FILE and OPENRD_TLS_KEY_FILE go together: give both or neither")
    return TlsSettings(
        port=None if port < 0 else port,
        cert_file=Path(cert).expanduser() if cert else None,
        key_file=Path(key).expanduser() if key else None,
    )


HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", re.ASCII)


def _host_names(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of host names or IP addresses, without scheme or port."""
    names = []
    for item in environ.get(name, "").split(","):
        host = item.strip().lower().removeprefix("[").removesuffix("]")
        if not host:
            continue
        if not HOST_NAME.fullmatch(host) and not _is_ip(host):
            raise ConfigError(f"{name} takes host names or IP addresses without scheme or port, not {item.strip()!r}")
        names.append(host)
    return tuple(names)


def _networks(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of IP addresses or networks (CIDR), or ``*`` for every peer."""
    found = []
    for item in environ.get(name, "").split(","):
        entry = item.strip()
        if not entry:
            continue
        if entry != "*":
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                message = f"{name} takes IP addresses, networks such as 10.0.0.0/8, or *, not {entry!r}"
                raise ConfigError(message) from None
        found.append(entry)
    return tuple(found)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def _log_level(environ: Mapping[str, str]) -> str:
    level = environ.get("OPENRD_LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"OPENRD_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
    return level


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build the settings from an environ mapping (``os.environ`` when none is given)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env["OPENRD_DATA_DIR"]).expanduser() if env.get("OPENRD_DATA_DIR") else default_data_dir(env)
    database_url = _opt(env, "OPENRD_DATABASE_URL") or f"sqlite:///{data_dir / 'openrd.db'}"
    if database_url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; accept the plain URL people copy from their provider.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    if not database_url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError("OPENRD_DATABASE_URL must be a sqlite:/// or postgresql:// URL")
    seed_raw = _opt(env, "OPENRD_SEED")
    sites_file = _opt(env, "OPENRD_SITES_FILE")
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        database_pool_size=_int(env, "OPENRD_DATABASE_POOL_SIZE", 40, low=1, high=1000),
        call_threads=_int(env, "OPENRD_CALL_THREADS", 8, low=1, high=1000),
        secret_key=_opt(env, "OPENRD_SECRET_KEY"),
        admin_token=_opt(env, "OPENRD_ADMIN_TOKEN"),
        verify_signatures=_bool(env, "OPENRD_VERIFY_SIGNATURES", True),
        timestamp_window_seconds=_int(env, "OPENRD_TIMESTAMP_WINDOW_SECONDS", 900, low=1, high=86400),
        sites_file=Path(sites_file).expanduser() if sites_file else None,
        seed=_int(env, "OPENRD_SEED", 0, low=0, high=2**63) if seed_raw else None,
        clock_start=_opt(env, "OPENRD_CLOCK_START"),
        log_level=_log_level(env),
        log_json=_bool(env, "OPENRD_LOG_JSON", True),
        max_body_bytes=_int(env, "OPENRD_MAX_BODY_BYTES", 1_048_576, low=1024, high=64 * 1_048_576),
        max_header_bytes=_int(env, "OPENRD_MAX_HEADER_BYTES", 32_768, low=4096, high=1_048_576),
        request_read_timeout_seconds=_float(env, "OPENRD_REQUEST_READ_TIMEOUT_SECONDS", 10.0),
        keep_alive_timeout_seconds=_float(env, "OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS", 5.0),
        max_connections=_int(env, "OPENRD_MAX_CONNECTIONS", 1000, low=8, high=1_000_000),
        allowed_hosts=_host_names(env, "OPENRD_ALLOWED_HOSTS"),
        forwarded_allow_ips=_networks(env, "OPENRD_FORWARDED_ALLOW_IPS"),
        maintenance_interval_seconds=_int(env, "OPENRD_MAINTENANCE_INTERVAL_SECONDS", 60, low=0, high=86400),
        codes=_code_policy(env),
        sms=_sms(env),
        tls=_tls(env),
    )
