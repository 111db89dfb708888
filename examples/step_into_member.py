"""Step from the management account into a member account with the Python credentials library, as landing-zone
automation does: the ``ram_role_arn`` provider assumes the member's ResourceDirectoryAccountAccessRole through
openrd's STS, then the STS, RAM and ResourceManager clients call as the member.

The provider speaks HTTPS to a bare ``host:port``: run openrd with ``--tls-port`` and trust its CA
(``export SSL_CERT_FILE=<data dir>/tls/ca.pem``), or pass ``--sts-endpoint http://127.0.0.1:8765`` for plain HTTP.

    python examples/step_into_member.py --endpoint 127.0.0.1:8765 --sts-endpoint 127.0.0.1:8766 \\
        --access-key-id <management RAM user> --access-key-secret <…> --member-account-id <member>
"""

from __future__ import annotations

import argparse
import json

from alibabacloud_credentials.client import Client as CredentialClient
from alibabacloud_credentials.models import Config as CredentialConfig
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_resourcemanager20200331.client import Client as RmClient
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config

ROLE = "ResourceDirectoryAccountAccessRole"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--endpoint", required=True, help="openrd's plain listener, host:port")
    options.add_argument("--sts-endpoint", required=True, help="openrd's TLS listener, host:port")
    options.add_argument("--access-key-id", required=True)
    options.add_argument("--access-key-secret", required=True)
    options.add_argument("--member-account-id", required=True)
    args = options.parse_args()

    member = CredentialClient(
        CredentialConfig(
            type="ram_role_arn",
            access_key_id=args.access_key_id,
            access_key_secret=args.access_key_secret,
            role_arn=f"acs:ram::{args.member_account_id}:role/{ROLE}",
            role_session_name="landing-zone",
            sts_endpoint=args.sts_endpoint,
        )
    )
    config = Config(credential=member, endpoint=args.endpoint, protocol="http")
    identity = StsClient(config).get_caller_identity().body
    directory = RmClient(config).get_resource_directory().body.resource_directory
    listed = RamClient(config).list_policies_for_role(ram_models.ListPoliciesForRoleRequest(role_name=ROLE))
    print(
        json.dumps(
            {
                "AccountId": identity.account_id,
                "Arn": identity.arn,
                "ResourceDirectoryId": directory.resource_directory_id,
                "RolePolicies": [p.policy_name for p in listed.body.policies.policy],
            }
        )
    )


if __name__ == "__main__":
    main()
