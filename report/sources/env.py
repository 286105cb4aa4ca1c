"""Credentials come only from environment variables, written `${NAME}` in the data file.

The expanded text is used to connect and nowhere else: messages show the text as
typed, and every expanded value is masked in any message a driver returns."""
from __future__ import annotations

import os
import re

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(text: str, key: str) -> tuple[str, list[str]]:
    """(text with ${NAME} replaced from the environment, the values used); a missing variable is an error."""
    from . import SourceError
    used = []

    def one(m):
        name = m.group(1)
        if name not in os.environ:
            raise SourceError(f"environment variable {name} is not set (the data file names it as ${{{name}}})", key)
        used.append(os.environ[name])
        return os.environ[name]

    return _REF.sub(one, text), [v for v in used if v]


def mask(message: str, secrets) -> str:
    for s in sorted(secrets, key=len, reverse=True):
        message = message.replace(s, "***")
    return message
