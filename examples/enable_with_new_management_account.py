"""Enable a resource directory with a new management account, the way a landing-zone script does it.

    python examples/enable_with_new_management_account.py --endpoint 127.0.0.1:8765 \\
        --access-key-id LTAI... --access-key-secret ... --phone 86-13900001234

Against openrd the code is read from the emulator's SMS inbox (``--inbox-url``); against the real cloud you
would type the code the phone received.
"""

from __future__ import annotations

import json
import sys

from alibabacloud_resourcemanager20200331 import models
from connection import client, latest_code, parser


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__.split("\n")[0], phone_help="secure phone of the new management account")
    options.add_argument("--name", default="landing-zone@rdadmin.aliyunid.com", help="the new management account")
    args = options.parse_args(argv)

    rm = client(args)
    rm.send_verification_code_for_enable_rd(
        models.SendVerificationCodeForEnableRDRequest(secure_mobile_phone=args.phone)
    )
    code = latest_code(args)
    response = rm.enable_resource_directory(
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
