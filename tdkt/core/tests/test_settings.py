"""The settings read from the environment, checked as a deployment would be: in a fresh process, with
Django's own `check --deploy`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

_DEPLOY_WARNINGS = ("security.W004", "security.W008", "security.W012", "security.W016")


def _check_deploy(tmp_path: object, **env: str) -> str:
    # as a deployment starts: none of the test run's own switches (the browser tests allow async-unsafe
    # ORM calls in their process, which the deploy check rightly refuses)
    dropped = ("TDKT_HTTPS", "SECURE_COOKIES", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.update(
        DJANGO_SETTINGS_MODULE="tdkt.settings",
        TDKT_PRODUCTION="1",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-length-and-variety-0123456789",
        ALLOWED_HOSTS="tdkt.example.vn",
        TDKT_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/check.sqlite3",
        **env,
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout + done.stderr


@pytest.mark.parametrize("https", [False, True])
def test_https_only_deployments_pass_djangos_deploy_check(tmp_path: object, https: bool) -> None:
    out = _check_deploy(tmp_path, **({"TDKT_HTTPS": "1"} if https else {}))
    found = [w for w in _DEPLOY_WARNINGS if w in out]
    if https:
        assert found == [], out
        # left to the host's administrators: HSTS for every subdomain of a government domain, or the preload
        # list, can lock out other sites of that domain
        remaining = set(re.findall(r"\((\w+\.\w+)\)", out))
        assert remaining <= {"security.W005", "security.W021"}, out
    else:  # an intranet over plain HTTP: Django warns about what only HTTPS can give
        assert found == list(_DEPLOY_WARNINGS), out
