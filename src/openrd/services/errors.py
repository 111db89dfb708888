"""The refusals of the emulator's own services (seeding, clock, SMS inbox): no Alibaba code, no HTTP status.

Hierarchy::

    ServiceError                     not an OpenRDError, so a unit of work rolls back when one is raised
    ├── InvalidInput                 the control API answers each kind in one place (control/http.py)
    ├── NotFound
    └── Conflict
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal by a service the emulator's own entry points call (seeding, clock, SMS inbox): no Alibaba code,
    no HTTP status; the control API maps each kind to its ``{"error", "message"}`` answer in one place."""

    def __init__(self, message: str) -> None:
        self.text = message
        super().__init__(message)


class InvalidInput(ServiceError):
    """A value breaks a documented rule."""


class InvalidPolicy(InvalidInput):
    """A policy is neither a system policy's name nor a valid policy document."""


class InvalidClock(InvalidInput):
    """A clock change is ambiguous or moves the clock too far."""


class InvalidTransition(InvalidInput):
    """A transition kind openrd does not have, or a delay that is not whole seconds in range."""


class NotFound(ServiceError):
    """The named object does not exist."""


class AccountNotFound(NotFound): ...


class RoleNotFound(NotFound): ...


class AccessKeyNotFound(NotFound): ...


class MessageNotFound(NotFound): ...


class Conflict(ServiceError):
    """The object exists already, or is in the wrong state."""


class RamIdentityExists(Conflict): ...


class MessageNotDead(Conflict): ...
