"""The catalogue's base: the error classes every area module builds on, and ``error`` to declare one entry."""

from __future__ import annotations

from typing import Any, ClassVar


class OpenRDError(Exception):
    code: ClassVar[str] = "InternalError"
    status: ClassVar[int] = 500
    message: ClassVar[str] = "The request processing has failed due to some unknown error, exception or failure."

    def __init__(self, message: str | None = None) -> None:
        self.text = message if message is not None else self.message
        self.keeps_changes = False
        super().__init__(f"{self.code}: {self.text}")

    def keeping_changes(self) -> OpenRDError:
        """Raised inside a unit of work, the transaction still commits: the error is the outcome of a change
        that must stand (a wrong code counts as an attempt), and the call's failure is audited with it."""
        self.keeps_changes = True
        return self

    def extra_fields(self) -> dict[str, Any]:
        """Fields added to the error body beside RequestId/HostId/Code/Message/Recommend."""
        return {}

    def extra_headers(self) -> dict[str, str]:
        return {}


def error(code: str, status: int, message: str) -> type[OpenRDError]:
    """Build one catalogue entry; the generated class is named after the code for readable tracebacks."""
    name = code.replace(".", "_")
    return type(name, (OpenRDError,), {"code": code, "status": status, "message": message, "__module__": __name__})


# ---------------------------------------------------------------- parameters (docs/behaviour.md#parameters)
class ParameterError(OpenRDError):
    """Generic parameter errors name the parameter in their message."""

    template: ClassVar[str] = "{name}"

    def __init__(self, name: str) -> None:
        self.parameter = name
        super().__init__(self.template.format(name=name))


class MissingParameter(ParameterError):
    code, status = "MissingParameter", 400
    template = 'The input parameter "{name}" that is mandatory for processing this request is not supplied.'


class InvalidParameter(ParameterError):
    code, status = "InvalidParameter", 400
    template = 'The specified parameter "{name}" is not valid.'
