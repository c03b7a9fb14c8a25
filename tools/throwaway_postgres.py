"""A throwaway PostgreSQL cluster for the tests and ``make bench``, from Debian's ``postgresql``
(``make setup``): ``initdb`` in a temporary folder, the server on a Unix socket there (trust) and on a free
loopback port (password), stopped with its processes when the tests end, and by a watchdog when
the process that started it is killed (``_WATCHDOG``). As root (CI), the server runs as the
``postgres`` user: PostgreSQL refuses root."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

PASSWORD_USER, PASSWORD = "redaktion", "s3cret-Kennwort"
_WATCHDOG = """
import ctypes, os, signal, subprocess, sys
parent, stop_server = int(sys.argv[1]), sys.argv[2:]
def stop(*_):
    subprocess.run(stop_server, capture_output=True)
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: SIGTERM when the parent dies
if os.getppid() != parent:
    stop()
while True:
    signal.pause()
"""
"""A process that stops the server when the process that started the cluster dies, SIGKILL
included (``pg_ctl`` detaches the server, so it would outlive a killed test run)."""


def binaries() -> Path | None:
    """Debian's newest PostgreSQL ``bin`` folder, else wherever ``initdb`` is on the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's binaries (initdb, pg_ctl) cannot be found: install Debian's postgresql "
                               "package (make setup does)")
        self._bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="pipeline-tests-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_owner = os.geteuid() == 0
        if self._as_owner:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")
        with open(self.data / "pg_hba.conf", "w") as hba:  # written as the owner would
            hba.write("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                      "host all all 127.0.0.1/32 scram-sha-256\n")
        if self._as_owner:
            shutil.chown(self.data / "pg_hba.conf", "postgres", "postgres")
        self.start()
        self._watchdog = subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(os.getpid()),
                                           *self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")])
        with self.admin() as connection:
            connection.execute(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD '{PASSWORD}'")
        self._databases = 0

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o",
                  f"-k {self.folder} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off", "start")

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: its connections are cut, as in a restart), keeping its data."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self._bin / program), *args]
        return ["runuser", "-u", "postgres", "--", *command] if self._as_owner else command

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(self._command(program, *args), check=True, capture_output=True, timeout=120)

    def admin(self, database: str = "postgres"):
        return psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname=database,
                               autocommit=True)

    def create_database(self, owner: str = "postgres") -> str:
        """A new, empty database; its name."""
        self._databases += 1
        name = f"memory_{self._databases}"
        with self.admin() as connection:
            connection.execute(f"CREATE DATABASE {name} OWNER {owner}")
        return name

    def new_database(self, owner: str = "postgres") -> str:
        """A new, empty database's URL (over the Unix socket, no password)."""
        return f"postgresql://postgres@/{self.create_database(owner)}?host={self.folder}&port={self.port}"

    def tcp_url(self, database: str, user: str = PASSWORD_USER, password: str | None = PASSWORD) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            self.stop_server("immediate")
        finally:
            self._watchdog.kill()
            self._watchdog.wait()
            shutil.rmtree(self.folder, ignore_errors=True)
