"""Trusted services and delegated administrators: the documented error codes (docs/delegation.md).

A principal outside the catalogue is 409, not 400, as the documentation lists it. The account-deletion checks
refuse a delegated administrator with their own code; ``services.delegation.is_delegated_administrator`` answers
whether an account is one.
"""

from __future__ import annotations

from openrd.errors.base import error

InvalidParameterServicePrincipal = error(
    "InvalidParameter.ServicePrincipal", 409, "The specified ServicePrincipal is invalid."
)
AccountAlreadyRegistered = error(
    "AccountAlreadyRegistered", 409, "The specified account is already a delegated administrator for this service."
)
DelegatedAccountNumberExceeded = error(
    "DelegatedAccountNumberExceeded",
    409,
    "The maximum number of delegated administrators for the service principal is exceeded.",
)
CannotRegisterMasterAsDelegatedAdministrator = error(
    "CannotRegisterMasterAsDelegatedAdministrator",
    409,
    "You attempted to register the enterprise management account as a delegated administrator for the service. "
    "You can designate only a member account as a delegated administrator.",
)
AccountNotRegistered = error(
    "AccountNotRegistered", 409, "The specified account is not a delegated administrator for this service."
)
