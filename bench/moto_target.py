"""moto as the peer target: ``moto_server`` answering AWS Organizations calls.

Throughput runs start the real ``moto_server`` executable and set it up with boto3 (CreateOrganization, then
CreateAccount for the base accounts). Requests in the timed window are pre-signed with botocore's own SigV4 signer
and replayed by the same load generator as every other target (boto3 in the client processes would spend more CPU
per call than moto's server does, on the cores the server needs).

Scale runs need 10,000 accounts, which moto's CreateAccount would take many minutes to reach (it scans every account
on each create). Run as a script, this module seeds moto's own in-memory backend directly (the same
``OrganizationsBackend.create_organization``/``create_account`` its HTTP handlers call), writes the account ids
to a file, then starts moto's server (``moto.server.main``) in the same process on that state:

    python moto_target.py --port PORT --accounts N --ids-file PATH
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from servers import Server, clean_env, free_port

TARGET_PREFIX = "AWSOrganizationsV20161128."
MOTO_ACCOUNT = "123456789012"  # moto's default account: the caller of every unsigned-for-IAM request


def moto_server_argv(port: int) -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    exe = str(script) if script.exists() else shutil.which("moto_server")
    if exe is None:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return [exe, "-H", "127.0.0.1", "-p", str(port)]


class MotoTarget:
    def __init__(self, name: str, *, log_dir: Path, seeded_accounts: int | None = None) -> None:
        self.name = name
        self.log_dir = log_dir
        self.seeded_accounts = seeded_accounts
        self.server: Server | None = None
        self.account_ids: list[str] = []
        self._ids_file = log_dir / f"{name}-ids.json"

    def start(self, timeout: float = 60.0) -> MotoTarget:
        port = free_port()
        if self.seeded_accounts is None:
            argv = moto_server_argv(port)
        else:
            argv = [sys.executable, str(Path(__file__).resolve()), "--port", str(port)]
            argv += ["--accounts", str(self.seeded_accounts), "--ids-file", str(self._ids_file)]
        env = clean_env({"MOTO_PORT": str(port)})
        self.server = Server(self.name, argv, port=port, env=env, log_dir=self.log_dir, health="/moto-api/")
        self.server.start(timeout=timeout)
        if self.seeded_accounts is not None:
            self.account_ids = json.loads(self._ids_file.read_text())
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def alive(self) -> bool:
        return self.server is not None and self.server.alive()

    @property
    def host(self) -> str:
        assert self.server is not None
        return self.server.host

    def setup(self, accounts: int) -> None:
        """CreateOrganization and ``accounts - 1`` CreateAccount calls through boto3 (the master is one account)."""
        import boto3

        assert self.server is not None
        client = boto3.client(
            "organizations",
            endpoint_url=self.server.url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_organization(FeatureSet="ALL")
        for i in range(max(0, accounts - 1)):
            status = client.create_account(AccountName=f"base-{i}", Email=f"base-{i}@example.com")
            self.account_ids.append(status["CreateAccountStatus"]["AccountId"])
        client.describe_account(AccountId=self.account_ids[0])

    # ------------------------------------------------------------------ operations (load generator payloads)
    @staticmethod
    def _payload(op: str, params: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {"target": TARGET_PREFIX + op, "service": "organizations", "region": "us-east-1", "params": params} | (
            extra
        )

    def describe_account(self) -> dict[str, Any]:
        return self._payload("DescribeAccount", [{"AccountId": i} for i in self.account_ids[:20_000]])

    def list_accounts(self) -> dict[str, Any]:
        return self._payload("ListAccounts", [{"MaxResults": 20}])  # AWS's largest page

    def create_account(self) -> dict[str, Any]:
        return self._payload(
            "CreateAccount", [{}], unique={"AccountName": "bench-{u}", "Email": "bench-{u}@example.com"}
        )


def _seeded_main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--ids-file", required=True)
    args = parser.parse_args()
    from moto.organizations.models import organizations_backends

    started = time.perf_counter()
    backend = organizations_backends[MOTO_ACCOUNT]["aws"]
    backend.create_organization(region="us-east-1", FeatureSet="ALL")
    ids = []
    for i in range(max(0, args.accounts - 1)):
        status = backend.create_account(AccountName=f"seed-{i}", Email=f"seed-{i}@example.com")
        ids.append(status["CreateAccountStatus"]["AccountId"])
    Path(args.ids_file).write_text(json.dumps(ids))
    print(f"seeded {args.accounts} accounts in {time.perf_counter() - started:.1f} s", flush=True)
    from moto.server import main

    main(["-H", "127.0.0.1", "-p", str(args.port)])


if __name__ == "__main__":
    _seeded_main()
