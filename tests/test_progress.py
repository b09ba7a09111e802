"""On a terminal `run` shows a progress display (policies done of total, the types
being described, API calls so far), erased at the end where the summary table
takes its place; off a terminal, plain lines.  The terminal is a real pty, and
what it finally shows is read back through a terminal emulator (pyte)."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pyte
from click.testing import CliRunner

from tests.conftest import ROOT
from tests.run_helpers import HEADER

POLICIES = """
policies:
  - name: untagged-instances
    resource: ec2
    filters: [{tag:Owner: absent}]
    metadata: {controls: [OWN-1], severity: medium}
  - name: all-instances
    resource: aws.ec2
  - name: volumes
    resource: aws.ebs
"""
TOPICS = "  - name: topics\n    resource: aws.sns\n"
DENIED = ('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not you</Message>'
          '</Error></ErrorResponse>')
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
COLUMNS, ROWS = 240, 40


def in_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stdin, stdout and stderr on a pty of COLUMNS x ROWS; its exit
    code and every byte it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    proc = subprocess.Popen([sys.executable, "-c", "from c7n_lite.cli import main; main()", *args],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, close_fds=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:          # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def final_screen(raw: str, newline_is_crlf: bool = False) -> list[str]:
    screen = pyte.Screen(COLUMNS, 200)
    if newline_is_crlf:
        screen.set_mode(pyte.modes.LNM)
    pyte.Stream(screen).feed(raw)
    return [line.rstrip() for line in screen.display if line.strip()]


def terminal_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "C7N_LITE_PROGRESS")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), **extra}


def slow_describes(server, seconds=1.5):
    """Describes take a while, so that the display is drawn mid-run."""
    def hook(request):
        if request.operation in ("DescribeInstances", "DescribeVolumes"):
            time.sleep(seconds)
    server.hooks.append(hook)


def assert_summary_only(screen: list[str], out: str) -> None:
    table = screen[screen.index(next(line for line in screen if line.split() == HEADER)):]
    names = [line.split()[0] for line in table[1:-1] if not line.startswith(" ")]
    assert sorted(names) == ["all-instances", "topics", "untagged-instances", "volumes"]
    assert table[-1] == ("4 policies, 6 resources matched, 1 compliance check failed, 1 FAILED "
                         f"(dry run: nothing changed); output in {out}")
    leftovers = [line for line in screen if "API calls" in line or "━" in line or "policies " in line[:20]]
    assert leftovers == []


def test_a_terminal_shows_progress_then_only_the_summary(server, aws, write_policies, tmp_path):
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)
    slow_describes(server)
    server.hooks.append(lambda r: (403, DENIED) if r.operation == "ListTopics" else None)
    out = tmp_path / "out"
    code, raw = in_terminal(["run", "--dryrun", "-s", str(out), write_policies(POLICIES + TOPICS)],
                            terminal_env())
    assert code == 1, raw                                    # the denied listing fails its policy
    frames = [line for line in re.split(r"[\r\n]", ANSI.sub("", raw)) if "API calls" in line]
    assert frames, raw
    # policies done of total, the API calls so far, what is being described
    assert re.match(r"\s*[0-4]/4 policies .* \d+ API calls ", frames[0]), frames[0]
    assert any("describing aws.e" in frame for frame in frames), frames
    screen = final_screen(raw)
    assert_summary_only(screen, str(out))
    # a log line written during the run is above the table, whole
    logged = [line for line in screen if line.startswith("ERROR c7n_lite: policy topics:")]
    assert len(logged) == 1 and "AccessDenied" in logged[0]
    assert screen.index(logged[0]) < screen.index(next(line for line in screen if line.split() == HEADER))


def test_ci_or_plain_gets_lines_even_on_a_terminal(server, write_policies, tmp_path):
    path = write_policies(POLICIES)
    for env in (terminal_env(CI="true"), terminal_env(C7N_LITE_PROGRESS="plain")):
        code, raw = in_terminal(["run", "--dryrun", "-s", str(tmp_path / "out"), path], env)
        assert code == 0, raw
        assert "API calls" not in raw and "\x1b[" not in raw
        assert raw.splitlines()[0].split() == HEADER


def test_forced_terminal_mode_in_process(server, aws, write_policies, tmp_path, monkeypatch):
    """C7N_LITE_PROGRESS=tty draws the display whatever the streams are."""
    from c7n_lite.cli import main
    aws("ec2").run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2)
    slow_describes(server, 0.5)
    server.hooks.append(lambda r: (403, DENIED) if r.operation == "ListTopics" else None)
    monkeypatch.setenv("C7N_LITE_PROGRESS", "tty")
    monkeypatch.setenv("COLUMNS", str(COLUMNS))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--dryrun", "-s", str(out), write_policies(POLICIES + TOPICS)])
    assert result.exit_code == 1, result.output
    assert "API calls" in ANSI.sub("", result.output)
    assert_summary_only(final_screen(result.output, newline_is_crlf=True), str(out))
