"""Local API users: tokens, the button-press creation window."""

from __future__ import annotations

from collections.abc import Callable
import re
import secrets
from typing import Any

from .common import ApiError

CREATION_WINDOW_S = 30.0
NAME_PREFIX = "local/"
NAME_MAX = 40
NAME_RE = re.compile(r"^local\/[a-zA-Z0-9\-_/\\# ]{1,40}$")


def new_token() -> str:
    """Return a random token like the device's: 32 upper-case hex digits."""
    return secrets.token_hex(16).upper()


def validate_name(name: Any) -> str:
    """Return `name` if it is a valid new local user name; raise ApiError otherwise."""
    if not isinstance(name, str):
        raise ApiError("json:parameter-invalid-type:name")
    if not name:
        raise ApiError("user:name-empty")
    if not name.startswith(NAME_PREFIX):
        raise ApiError("user:invalid-prefix")
    rest = name.removeprefix(NAME_PREFIX)
    if not rest:
        raise ApiError("user:name-empty")
    if len(rest) > NAME_MAX:
        raise ApiError("user:name-too-long")
    if NAME_RE.match(name) is None:
        raise ApiError("user:name-invalid")
    return name


class UserStore:
    """Users by name, each with one token; creation needs a recent button press."""

    def __init__(
        self, clock: Callable[[], float], window: float = CREATION_WINDOW_S
    ) -> None:
        """Create an empty store; `window` is how long a press enables creation."""
        self._clock = clock
        self.window = window
        self._pressed_at: float | None = None
        self._tokens: dict[str, str] = {}

    def __len__(self) -> int:
        """Return the number of users (tokens)."""
        return len(self._tokens)

    @property
    def names(self) -> list[str]:
        """Return the user names."""
        return list(self._tokens)

    def press(self) -> None:
        """Press the device button: user creation is enabled for `window` seconds."""
        self._pressed_at = self._clock()

    @property
    def creation_enabled(self) -> bool:
        """Return whether a button press happened within the window."""
        return (
            self._pressed_at is not None
            and self._clock() - self._pressed_at <= self.window
        )

    def create(self, name: Any) -> tuple[str, str | None]:
        """Create `name` after a press; return its token and the replaced one."""
        name = validate_name(name)
        if not self.creation_enabled:
            raise ApiError("user:creation-not-enabled", 403)
        return self.add(name)

    def add(self, name: str, token: str | None = None) -> tuple[str, str | None]:
        """Add or replace `name` without checks; return its token and the replaced one."""
        token = new_token() if token is None else token
        for other, other_token in list(self._tokens.items()):
            if other_token == token and other != name:
                del self._tokens[other]
        old = self._tokens.get(name)
        self._tokens[name] = token
        return token, old if old != token else None

    def name_of(self, token: str | None) -> str | None:
        """Return the user owning `token`, if any."""
        for name, known in self._tokens.items():
            if known == token:
                return name
        return None

    def listing(self, token: str | None) -> list[dict[str, Any]]:
        """Return the users as `GET /api/user` does, marking the caller `current`."""
        current = self.name_of(token)
        return [
            {"name": name, "current": True} if name == current else {"name": name}
            for name in self._tokens
        ]

    def delete(self, name: Any) -> str:
        """Delete user `name`; return its revoked token."""
        if not isinstance(name, str):
            raise ApiError("json:parameter-invalid-type:name")
        if name not in self._tokens:
            raise ApiError("user:not-found", 404)
        return self._tokens.pop(name)

    def clear(self) -> list[str]:
        """Delete every user; return the revoked tokens."""
        tokens = list(self._tokens.values())
        self._tokens.clear()
        return tokens
