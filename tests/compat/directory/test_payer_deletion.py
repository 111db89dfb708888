"""What payers mean for deleting a member, through the official SDKs (docs/settings.md#payers): a member another
pays for is not deleted (409 NotSupport.HasPayerAccount), and the payer of other members fails the pre-check
(PAYER_OF_MEMBERS) until they pay for themselves again."""

from __future__ import annotations

from typing import Any

from alibabacloud_resourcedirectorymaster20220419 import models as rdm

from openrd import errors
from support.deletion import deleting
from support.directory import World


def test_payers_and_deletion(world: World, check: Any) -> None:
    rd = deleting(world)
    payer = rd.member()
    paid = rd.member(payer_account_id=payer)
    rd.check(paid)
    check.fails(errors.NotSupportHasPayerAccount, rd.delete, paid)

    rd.check(payer)
    info = rd.check_result(payer)
    assert (info.allow_delete, [r.check_id for r in info.not_allow_reason]) == ("false", ["PAYER_OF_MEMBERS"])

    # The member pays for itself... once another member pays for it: then the first payer may go.
    other = rd.member()
    request = rdm.UpdatePayerForAccountRequest(account_id=paid, payer_account_id=other)
    rd.org.rdm().update_payer_for_account(request)
    rd.check(payer)
    assert rd.check_result(payer).allow_delete == "true"
    assert rd.delete(payer).deletion_type == "0"
