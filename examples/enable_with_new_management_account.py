"""Enable a resource directory with a new management account, the way a landing-zone script does it.

    python examples/enable_with_new_management_account.py --endpoint 127.0.0.1:8765 \\
        --access-key-id LTAI... --access-key-secret ... --phone 86-13900001234

Against openrd the code is read from the emulator's SMS inbox (``--inbox-url``); against the real cloud you
would type the code the phone received.
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
    parser.add_argument("--phone", required=True, help="secure phone of the new management account")
    parser.add_argument("--name", default="landing-zone@rdadmin.aliyunid.com", help="the new management account")
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
    client.send_verification_code_for_enable_rd(
        models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=args.phone)
    )
    code = latest_code(args.inbox_url or f"http://{args.endpoint}", args.phone)
    response = client.enable_resource_directory(
        models.EnableResourceDirectoryRequest(
            enable_mode="NewManagementAccount",
            maname=args.name,
            masecure_mobile_phone=args.phone,
            verification_code=code,
        )
    )
    directory = response.body.resource_directory
    print(
        json.dumps(
            {
                "ResourceDirectoryId": directory.resource_directory_id,
                "MasterAccountId": directory.master_account_id,
                "MasterAccountName": directory.master_account_name,
                "RootFolderId": directory.root_folder_id,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
