"""Settings from the environment: defaults, URL rewriting, and a ConfigError naming every bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrd.config import ConfigError, SmsSettings, TlsSettings, load_settings
from openrd.domain.verification import CodePolicy


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path)})
    data_dir = tmp_path / ".local" / "share" / "openrd"
    assert settings.data_dir == data_dir
    assert settings.database_url == f"sqlite:///{data_dir / 'openrd.db'}"
    assert settings.store_kind == "sqlite"
    assert settings.secret_key is None
    assert settings.admin_token is None
    assert settings.verify_signatures is True
    assert settings.timestamp_window_seconds == 900
    assert settings.sites_file is None
    assert settings.seed is None
    assert settings.log_level == "INFO"
    assert settings.log_json is True
    assert settings.maintenance_interval_seconds == 60
    assert settings.max_header_bytes == 32_768
    assert settings.database_pool_size == 40
    assert settings.call_threads == 8
    assert settings.codes == CodePolicy()
    assert settings.codes.per_phone_windows == ((60, 1), (3600, 5), (86400, 10))
    assert settings.sms == SmsSettings()
    assert settings.sms.sender == "inbox"
    assert not data_dir.exists()  # building settings touches no file


def test_data_dir_follows_xdg_data_home(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert settings.data_dir == tmp_path / "xdg" / "openrd"
    assert settings.database_url == f"sqlite:///{tmp_path / 'xdg' / 'openrd' / 'openrd.db'}"


def test_explicit_data_dir_wins(tmp_path: Path) -> None:
    settings = load_settings(
        {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg"), "OPENRD_DATA_DIR": str(tmp_path / "d")}
    )
    assert settings.data_dir == tmp_path / "d"
    assert settings.database_url == f"sqlite:///{tmp_path / 'd' / 'openrd.db'}"


def test_reads_os_environ_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENRD_DATA_DIR", str(tmp_path / "from-environ"))
    monkeypatch.setenv("OPENRD_ADMIN_TOKEN", "tok")
    settings = load_settings()
    assert settings.data_dir == tmp_path / "from-environ"
    assert settings.admin_token == "tok"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@db:5432/openrd", "postgresql+psycopg://u:p@db:5432/openrd"),
        ("postgres://u@db/openrd", "postgresql+psycopg://u@db/openrd"),
        ("postgresql+psycopg://u@db/openrd", "postgresql+psycopg://u@db/openrd"),
    ],
)
def test_postgresql_urls_use_psycopg(tmp_path: Path, given: str, expected: str) -> None:
    settings = load_settings({"HOME": str(tmp_path), "OPENRD_DATABASE_URL": given})
    assert settings.database_url == expected
    assert settings.store_kind == "postgresql"


def test_sqlite_url_is_kept(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert load_settings({"HOME": str(tmp_path), "OPENRD_DATABASE_URL": url}).database_url == url


def test_values_are_parsed(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "HOME": str(tmp_path),
            "OPENRD_SECRET_KEY": " key ",
            "OPENRD_VERIFY_SIGNATURES": " OFF ",
            "OPENRD_LOG_JSON": "no",
            "OPENRD_TIMESTAMP_WINDOW_SECONDS": " 60 ",
            "OPENRD_SEED": "0",
            "OPENRD_LOG_LEVEL": "debug",
            "OPENRD_CODE_LENGTH": "8",
            "OPENRD_CODE_TTL_SECONDS": "600",
            "OPENRD_PHONE_LIMIT_PER_HOUR": "7",
            "OPENRD_SITES_FILE": str(tmp_path / "sites.toml"),
            "OPENRD_SMS_SENDER": " LOG ",
            "OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS": "2.5",
            "OPENRD_DATABASE_POOL_SIZE": "8",
            "OPENRD_CALL_THREADS": "3",
        }
    )
    assert settings.secret_key == "key"
    assert settings.verify_signatures is False
    assert settings.log_json is False
    assert settings.timestamp_window_seconds == 60
    assert settings.seed == 0
    assert settings.log_level == "DEBUG"
    assert (settings.codes.length, settings.codes.ttl_seconds) == (8, 600)
    assert settings.codes.per_phone_windows == ((60, 1), (3600, 7), (86400, 10))
    assert settings.sites_file == tmp_path / "sites.toml"
    assert settings.sms.sender == "log"
    assert settings.sms.webhook_timeout_seconds == 2.5
    assert settings.database_pool_size == 8
    assert settings.call_threads == 3


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", "0", "false", "No", "off"])
def test_boolean_words(tmp_path: Path, word: str) -> None:
    expected = word.lower() in {"1", "true", "yes", "on"}
    assert load_settings({"HOME": str(tmp_path), "OPENRD_VERIFY_SIGNATURES": word}).verify_signatures is expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OPENRD_DATABASE_URL", "mysql://u@db/openrd"),
        ("OPENRD_DATABASE_URL", "not a url"),
        ("OPENRD_VERIFY_SIGNATURES", "maybe"),
        ("OPENRD_LOG_JSON", "2"),
        ("OPENRD_TIMESTAMP_WINDOW_SECONDS", "0"),
        ("OPENRD_TIMESTAMP_WINDOW_SECONDS", "86401"),
        ("OPENRD_TIMESTAMP_WINDOW_SECONDS", "15m"),
        ("OPENRD_SEED", "abc"),
        ("OPENRD_SEED", "-1"),
        ("OPENRD_MAX_BODY_BYTES", "100"),
        ("OPENRD_MAINTENANCE_INTERVAL_SECONDS", "-1"),
        ("OPENRD_MAX_HEADER_BYTES", "100"),
        ("OPENRD_MAX_HEADER_BYTES", "big"),
        ("OPENRD_MAINTENANCE_INTERVAL_SECONDS", "hourly"),
        ("OPENRD_CODE_LENGTH", "5"),
        ("OPENRD_CODE_LENGTH", "9"),
        ("OPENRD_CODE_TTL_SECONDS", "601"),
        ("OPENRD_CODE_TTL_SECONDS", "29"),
        ("OPENRD_CODE_MAX_ATTEMPTS", "0"),
        ("OPENRD_DAILY_CODE_QUOTA", "0"),
        ("OPENRD_PHONE_LIMIT_PER_MINUTE", "0"),
        ("OPENRD_PHONE_LIMIT_PER_HOUR", "many"),
        ("OPENRD_PHONE_LIMIT_PER_DAY", "-1"),
        ("OPENRD_SMS_SENDER", "carrier-pigeon"),
        ("OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", "0"),
        ("OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", "-1"),
        ("OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", "soon"),
        ("OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", "nan"),
        ("OPENRD_SMS_WEBHOOK_TIMEOUT_SECONDS", "inf"),
        ("OPENRD_SMS_MAX_ATTEMPTS", "0"),
        ("OPENRD_SMS_BACKOFF_BASE_SECONDS", "0"),
        ("OPENRD_SMS_BACKOFF_MAX_SECONDS", "x"),
        ("OPENRD_LOG_LEVEL", "LOUD"),
        ("OPENRD_DATABASE_POOL_SIZE", "0"),
        ("OPENRD_DATABASE_POOL_SIZE", "lots"),
        ("OPENRD_CALL_THREADS", "0"),
    ],
)
def test_invalid_values_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"HOME": str(tmp_path), name: value})


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


def test_webhook_sender_needs_url_and_secret(tmp_path: Path) -> None:
    base = {"HOME": str(tmp_path), "OPENRD_SMS_SENDER": "webhook"}
    with pytest.raises(ConfigError, match="OPENRD_SMS_WEBHOOK_URL"):
        load_settings(base)
    with pytest.raises(ConfigError, match="OPENRD_SMS_WEBHOOK_SECRET"):
        load_settings({**base, "OPENRD_SMS_WEBHOOK_URL": "https://hooks.example/sms"})
    with pytest.raises(ConfigError, match="OPENRD_SMS_WEBHOOK_URL"):
        load_settings({**base, "OPENRD_SMS_WEBHOOK_SECRET": "s"})
    settings = load_settings(
        {**base, "OPENRD_SMS_WEBHOOK_URL": "https://hooks.example/sms", "OPENRD_SMS_WEBHOOK_SECRET": "s"}
    )
    assert (settings.sms.sender, settings.sms.webhook_url, settings.sms.webhook_secret) == (
        "webhook",
        "https://hooks.example/sms",
        "s",
    )


ALIYUN = {
    "OPENRD_SMS_ALIYUN_ACCESS_KEY_ID": "LTAIsms",
    "OPENRD_SMS_ALIYUN_ACCESS_KEY_SECRET": "secret",
    "OPENRD_SMS_ALIYUN_SIGN_NAME": "Acme",
    "OPENRD_SMS_ALIYUN_TEMPLATE_CODE": "SMS_123",
}


def test_aliyun_sender_names_every_missing_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"HOME": str(tmp_path), "OPENRD_SMS_SENDER": "aliyun"})
    for name in ALIYUN:
        assert name in str(caught.value)


@pytest.mark.parametrize("missing", sorted(ALIYUN))
def test_aliyun_sender_names_the_one_missing_setting(tmp_path: Path, missing: str) -> None:
    env = {"HOME": str(tmp_path), "OPENRD_SMS_SENDER": "aliyun", **ALIYUN}
    del env[missing]
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert missing in str(caught.value)
    for other in set(ALIYUN) - {missing}:
        assert other not in str(caught.value)


def test_aliyun_sender_complete(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path), "OPENRD_SMS_SENDER": "aliyun", **ALIYUN})
    assert settings.sms.sender == "aliyun"
    assert settings.sms.aliyun_endpoint == "dysmsapi.aliyuncs.com"
    assert settings.sms.aliyun_template_code == "SMS_123"


def test_webhook_settings_are_ignored_by_other_senders(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path), "OPENRD_SMS_SENDER": "inbox"})
    assert settings.sms.webhook_url is None


@pytest.mark.parametrize(("raw", "seconds"), [("0", 0), ("3600", 3600)])
def test_maintenance_interval(tmp_path: Path, raw: str, seconds: int) -> None:
    settings = load_settings({"HOME": str(tmp_path), "OPENRD_MAINTENANCE_INTERVAL_SECONDS": raw})
    assert settings.maintenance_interval_seconds == seconds


def test_connection_and_browser_settings(tmp_path: Path) -> None:
    defaults = load_settings({"HOME": str(tmp_path)})
    assert (defaults.request_read_timeout_seconds, defaults.keep_alive_timeout_seconds) == (10.0, 5.0)
    assert defaults.max_connections == 1000
    assert (defaults.allowed_hosts, defaults.forwarded_allow_ips) == ((), ())
    settings = load_settings(
        {
            "HOME": str(tmp_path),
            "OPENRD_REQUEST_READ_TIMEOUT_SECONDS": "2.5",
            "OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS": "1",
            "OPENRD_MAX_CONNECTIONS": "64",
            "OPENRD_ALLOWED_HOSTS": " RD.Example.com, [::2],10.0.0.7 ,",
            "OPENRD_FORWARDED_ALLOW_IPS": "127.0.0.1, 10.0.0.0/8,::1",
        }
    )
    assert (settings.request_read_timeout_seconds, settings.keep_alive_timeout_seconds) == (2.5, 1.0)
    assert settings.max_connections == 64
    assert settings.allowed_hosts == ("rd.example.com", "::2", "10.0.0.7")
    assert settings.forwarded_allow_ips == ("127.0.0.1", "10.0.0.0/8", "::1")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OPENRD_ALLOWED_HOSTS", "http://rd.example.com"),
        ("OPENRD_ALLOWED_HOSTS", "rd.example.com:8765"),
        ("OPENRD_ALLOWED_HOSTS", "*"),
        ("OPENRD_FORWARDED_ALLOW_IPS", "proxy.internal"),
        ("OPENRD_FORWARDED_ALLOW_IPS", "10.0.0.0/33"),
        ("OPENRD_MAX_CONNECTIONS", "4"),
        ("OPENRD_REQUEST_READ_TIMEOUT_SECONDS", "0"),
        ("OPENRD_KEEP_ALIVE_TIMEOUT_SECONDS", "-1"),
    ],
)
def test_bad_connection_and_browser_settings_name_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"HOME": str(tmp_path), name: value})


def test_tls_settings(tmp_path: Path) -> None:
    assert load_settings({"HOME": str(tmp_path)}).tls == TlsSettings()
    given = load_settings(
        {
            "HOME": str(tmp_path),
            "OPENRD_TLS_PORT": "8766",
            "OPENRD_TLS_CERT_FILE": "/certs/cert.pem",
            "OPENRD_TLS_KEY_FILE": "/keys/key.pem",
        }
    ).tls
    assert given == TlsSettings(8766, Path("/certs/cert.pem"), Path("/keys/key.pem"))
    assert load_settings({"HOME": str(tmp_path), "OPENRD_TLS_PORT": "0"}).tls.port == 0


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OPENRD_TLS_PORT": "65536"}, "OPENRD_TLS_PORT"),
        ({"OPENRD_TLS_PORT": "https"}, "OPENRD_TLS_PORT"),
        ({"OPENRD_TLS_KEY_FILE": "/k.pem"}, "OPENRD_TLS_CERT_FILE"),
    ],
)
def test_bad_tls_settings_name_the_variable(tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings({"HOME": str(tmp_path), **env})
