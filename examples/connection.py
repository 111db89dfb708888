"""What the examples share: the options naming the endpoint and the caller's AccessKey, the SDK client they build,
and the code a phone was sent, read from openrd's SMS inbox (against the real cloud you would type it in)."""

from __future__ import annotations

import argparse
import json
import urllib.request

from alibabacloud_resourcemanager20200331.client import Client
from alibabacloud_tea_openapi.utils_models import Config


def parser(description: str, *, phone_help: str | None = None) -> argparse.ArgumentParser:
    """--endpoint, --access-key-id, --access-key-secret, --phone and --inbox-url; an example adds its own."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--endpoint", required=True)
    options.add_argument("--access-key-id", required=True)
    options.add_argument("--access-key-secret", required=True)
    options.add_argument("--phone", required=True, help=phone_help)
    options.add_argument("--inbox-url", help="openrd base URL to read the code from (default: http://<endpoint>)")
    return options


def client(args: argparse.Namespace) -> Client:
    config = Config(
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        endpoint=args.endpoint,
        protocol="http",
    )
    return Client(config)


def latest_code(args: argparse.Namespace) -> str:
    """The code last sent to --phone, from the inbox at --inbox-url (by default the endpoint itself)."""
    inbox = args.inbox_url or f"http://{args.endpoint}"
    with urllib.request.urlopen(f"{inbox}/_openrd/sms/latest?phone={args.phone}") as response:  # noqa: S310
        return str(json.load(response)["code"])
