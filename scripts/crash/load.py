"""The mixed load: the world it runs in (seeded through the control API and the SDK), sends, bind and enable flows."""

from __future__ import annotations

import queue
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from crash.client import ERROR, Call, Client, Creds
from crash.deletions import delete_account, seed_doomed

MA_SUFFIX = "@rdadmin.aliyunid.com"


def wrong(code: str) -> str:
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


def twice(first: Callable[[], Call], second: Callable[[], Call]) -> None:
    """Two calls released together (the same code presented twice at once)."""
    gate = threading.Barrier(2)

    def run(call: Callable[[], Call]) -> None:
        gate.wait(30)
        call()

    threads = [threading.Thread(target=run, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@dataclass
class World:
    master: Creds
    user: Creds
    members: queue.Queue[str]
    candidates: queue.Queue[Creds]
    quota_accounts: list[Creds]
    member_ids: list[str]
    candidate_ids: list[str]
    doomed: queue.Queue[str] | None = None  # resource accounts to delete
    doomed_ids: list[str] = field(default_factory=list)


def load_worker(client: Client, world: World, rng: random.Random, stop: threading.Event) -> None:
    while not stop.is_set():
        roll = rng.random()
        if roll < 0.45:
            do_send(client, world, rng)
        elif roll < 0.7:
            try:
                member = world.members.get_nowait()
            except queue.Empty:
                do_send(client, world, rng)
                continue
            bind_flow(client, world, member, rng)
        elif roll < 0.85 and world.doomed is not None:
            try:
                doomed = world.doomed.get_nowait()
            except queue.Empty:
                do_send(client, world, rng)
                continue
            delete_flow(client, world, doomed, rng)
        else:
            try:
                candidate = world.candidates.get_nowait()
            except queue.Empty:
                do_send(client, world, rng)
                continue
            enable_flow(client, candidate, rng)


def do_send(client: Client, world: World, rng: random.Random) -> None:
    creds = rng.choice(world.quota_accounts)
    phone = client.new_phone()
    recent = [phone_ for account, phone_ in client.last_phones[-8:] if account == creds.account_id]
    if recent and rng.random() < 0.15:
        phone = rng.choice(recent)  # again to a phone just used: the per-phone throttle's turn
    client.send_enable(creds, phone)
    client.last_phones.append((creds.account_id, phone))


def bind_flow(client: Client, world: World, member: str, rng: random.Random) -> None:
    phone = client.new_phone()
    sent = client.send_bind(world.user, member, phone)
    if sent.result == ERROR:
        return
    code = client.latest_code(phone)  # an unknown send may have committed; a successful one must have
    if code is None:
        return
    if rng.random() < 0.3:
        client.bind(world.user, member, phone, wrong(code))
    if rng.random() < 0.3:
        twice(
            lambda: client.bind(world.user, member, phone, code),
            lambda: client.bind(world.user, member, phone, code),
        )
    else:
        client.bind(world.user, member, phone, code)


def delete_flow(client: Client, world: World, member: str, rng: random.Random) -> None:
    """Sometimes twice at once: one deletes, the other is told it is deleted or being deleted."""
    if rng.random() < 0.3:
        twice(lambda: delete_account(client, world.user, member), lambda: delete_account(client, world.user, member))
    else:
        delete_account(client, world.user, member)


def enable_flow(client: Client, candidate: Creds, rng: random.Random) -> None:
    phone = client.new_phone()
    sent = client.send_enable(candidate, phone)
    if sent.result == ERROR:
        return
    code = client.latest_code(phone)
    if code is None:
        return
    name = f"ma{candidate.account_id}{MA_SUFFIX}"
    if rng.random() < 0.3:
        client.enable(candidate, name, phone, wrong(code))
    if rng.random() < 0.3:
        twice(lambda: client.enable(candidate, name, phone, code), lambda: client.enable(candidate, name, phone, code))
    else:
        client.enable(candidate, name, phone, code)


def build_world(client: Client, members: int, candidates: int, quota_accounts: int, doomed: int = 0) -> World:
    from concurrent.futures import ThreadPoolExecutor

    from alibabacloud_resourcemanager20200331 import models

    master = client.account(display_name="crash-master")
    client.rm(master).enable_resource_directory(models.EnableResourceDirectoryRequest(enable_mode="CurrentAccount"))
    if doomed:
        deletion = models.SetMemberDeletionPermissionRequest(status="Enabled")
        client.rm(master).set_member_deletion_permission(deletion)
    user = client.ram_user(master.account_id)

    def create(i: int) -> str:
        request = models.CreateResourceAccountRequest(display_name=f"member-{i}")
        return str(client.rm(master).create_resource_account(request).body.account.account_id)

    with ThreadPoolExecutor(4) as pool:
        member_ids = list(pool.map(create, range(members)))
        candidate_list = list(pool.map(lambda i: client.account(display_name=f"cand-{i}"), range(candidates)))
        quota_list = list(pool.map(lambda i: client.account(display_name=f"quota-{i}"), range(quota_accounts)))
        doomed_ids = list(pool.map(lambda i: create(members + i), range(doomed)))
        list(pool.map(lambda member: seed_doomed(client, member), doomed_ids))
    member_queue: queue.Queue[str] = queue.Queue()
    for member in member_ids:
        member_queue.put(member)
    candidate_queue: queue.Queue[Creds] = queue.Queue()
    for candidate in candidate_list:
        candidate_queue.put(candidate)
    doomed_queue: queue.Queue[str] = queue.Queue()
    for member in doomed_ids:
        doomed_queue.put(member)
    return World(
        master,
        user,
        member_queue,
        candidate_queue,
        quota_list,
        member_ids,
        [c.account_id for c in candidate_list],
        doomed_queue,
        doomed_ids,
    )
