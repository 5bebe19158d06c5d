"""Skip when a service or the browser is missing, unless CI says it must be there.

`.ci/run` sets REQUIRE_SERVICES=1 and REQUIRE_BROWSER=1: there a missing service or browser
is a failure, never a silent skip.
"""
import os

import pytest


def _required(flag: str) -> bool:
    return os.environ.get(flag, "").strip() not in ("", "0", "false", "no")


def missing(what: str, reason: str, flag: str) -> None:
    """Skips the test with a visible reason, or fails it when `flag` is set."""
    message = f"{what} unavailable: {reason}"
    if _required(flag):
        pytest.fail(f"{message} ({flag}=1, so this is a failure, not a skip)")
    pytest.skip(message)


def missing_service(what: str, reason: str) -> None:
    missing(what, reason, "REQUIRE_SERVICES")


def missing_browser(reason: str) -> None:
    missing("Chromium", reason, "REQUIRE_BROWSER")
