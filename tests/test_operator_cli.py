"""The README's operator commands work as written, as a separate `actiontool` process: the key comes
from the instance folder when the environment has none, and a missing key is one clear line."""

import os
import subprocess
import sys
from pathlib import Path

ACTIONTOOL = Path(sys.executable).with_name("actiontool")
ROOT = Path(__file__).resolve().parent.parent


def actiontool(instance, *args, stdin=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ACTIONTOOL_")}
    env["ACTIONTOOL_INSTANCE_PATH"] = str(instance)
    return subprocess.run([str(ACTIONTOOL), *args], env=env, cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_operator_commands_work_with_only_the_instance_folder_key(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("a-long-random-key-from-make-setup\n")
    for args, stdin in ((("db", "upgrade"), None), (("roster", "import", "officials.csv"), None),
                        (("users", "add", "staff@campaign.test", "--role", "staff"), "correct horse battery\n")):
        done = actiontool(instance, *args, stdin=stdin)
        assert done.returncode == 0, done.stderr
    listed = actiontool(instance, "users", "list")
    assert "staff@campaign.test" in listed.stdout
    assert (instance / "actiontool.db").exists()


def test_a_missing_secret_key_is_one_clear_line_not_a_traceback(tmp_path):
    done = actiontool(tmp_path, "users", "list")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"Error: Set ACTIONTOOL_SECRET_KEY to a long random value, or put one in {tmp_path}/secret_key "
        "(`make setup` writes one); the built-in key is only for debug and tests."]
