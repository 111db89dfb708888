"""Create a resource account and bind its secure mobile phone, as a RAM user of the management account.

    python examples/bind_secure_phone.py --endpoint 127.0.0.1:8765 \\
        --access-key-id <rd-admin key> --access-key-secret ... --phone 86-13900001234 --display-name dev

The caller must be a RAM user or role of the management account with AliyunResourceDirectoryFullAccess
(``openrd bootstrap`` prints one), and the directory must be enabled.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request

from alibabacloud_resourcemanager20200331 import models
from alibabacloud_resourcemanager20200331.client import Client
from alibabacloud_tea_openapi.utils_models import Config


def latest_code(inbox_url: str, phone: str) -> str:
    with urllib.request.urlopen(f"{inbox_url}/_openrd/sms/latest?phone={phone}") as response:  # noqa: S310
        return str(json.load(response)["code"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--access-key-id", required=True)
    parser.add_argument("--access-key-secret", required=True)
    parser.add_argument("--phone", required=True)
    parser.add_argument("--display-name", default="dev")
    parser.add_argument("--inbox-url", help="openrd base URL to read the code from (default: http://<endpoint>)")
    args = parser.parse_args(argv)

    client = Client(
        Config(
            access_key_id=args.access_key_id,
            access_key_secret=args.access_key_secret,
            endpoint=args.endpoint,
            protocol="http",
        )
    )
    account = client.create_resource_account(
        models.CreateResourceAccountRequest(display_name=args.display_name)
    ).body.account
    sent = client.send_verification_code_for_bind_secure_mobile_phone(
        models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=account.account_id, secure_mobile_phone=args.phone
        )
    ).body
    code = latest_code(args.inbox_url or f"http://{args.endpoint}", args.phone)
    client.bind_secure_mobile_phone(
        models.BindSecureMobilePhoneRequest(
            account_id=account.account_id, secure_mobile_phone=args.phone, verification_code=code
        )
    )
    print(json.dumps({"AccountId": account.account_id, "CodeExpiredAt": sent.expiration_date, "Bound": args.phone}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
