"""gunicorn.conf.py as production starts it: it says loudly when rate limits would be per process."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

GUNICORN = Path(sys.executable).with_name("gunicorn")
ROOT = Path(__file__).resolve().parent.parent
PER_PROCESS_WARNING = "Rate limits are kept in each worker's memory, so 2 workers allow 2 times each documented limit."


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start_log(tmp_path, **settings):
    """What gunicorn with the repo's config writes until it is serving (then it is stopped)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACTIONTOOL_")}
    env.update({"ACTIONTOOL_SECRET_KEY": "test-key", "ACTIONTOOL_DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                "ACTIONTOOL_INSTANCE_PATH": str(tmp_path), "ACTIONTOOL_BIND": f"127.0.0.1:{free_port()}"})
    env.update({f"ACTIONTOOL_{name}": value for name, value in settings.items()})
    log = tmp_path / "web.log"
    with open(log, "w") as out:
        server = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "Booting worker" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)  # gunicorn itself gives workers up to 30 s (graceful_timeout) to finish
    return log.read_text()


def test_two_workers_with_in_memory_limits_warn_at_start(tmp_path):
    assert PER_PROCESS_WARNING in gunicorn_start_log(tmp_path)


@pytest.mark.parametrize("settings", [{"RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379"}, {"WEB_WORKERS": "1"}])
def test_shared_limits_or_one_worker_start_quietly(tmp_path, settings):
    started = gunicorn_start_log(tmp_path, **settings)
    assert "Booting worker" in started
    assert "Rate limits are kept" not in started
