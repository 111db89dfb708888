"""Create a resource account and bind its secure mobile phone, as a RAM user of the management account.

    python examples/bind_secure_phone.py --endpoint 127.0.0.1:8765 \\
        --access-key-id <rd-admin key> --access-key-secret ... --phone 86-13900001234 --display-name dev

The caller must be a RAM user or role of the management account with AliyunResourceDirectoryFullAccess
(``openrd bootstrap`` prints one), and the directory must be enabled.
"""

from __future__ import annotations

import json
import sys

from alibabacloud_resourcemanager20200331 import models
from connection import client, latest_code, parser


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__.split("\n")[0])
    options.add_argument("--display-name", default="dev")
    args = options.parse_args(argv)

    rm = client(args)
    account = rm.create_resource_account(
        models.CreateResourceAccountRequest(display_name=args.display_name)
    ).body.account
    sent = rm.send_verification_code_for_bind_secure_mobile_phone(
        models.SendVerificationCodeForBindSecureMobilePhoneRequest(
            account_id=account.account_id, secure_mobile_phone=args.phone
        )
    ).body
    code = latest_code(args)
    rm.bind_secure_mobile_phone(
        models.BindSecureMobilePhoneRequest(
            account_id=account.account_id, secure_mobile_phone=args.phone, verification_code=code
        )
    )
    print(json.dumps({"AccountId": account.account_id, "CodeExpiredAt": sent.expiration_date, "Bound": args.phone}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
