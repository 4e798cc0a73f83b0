"""Faults on purpose: a TCP proxy in front of PostgreSQL that a test can break (refuse connections, drop the live
ones, or cut a connection the moment the client sends a given statement, so the server sees it vanish
mid-transaction), and an `assure run` that stops inside a load's transaction."""

from __future__ import annotations

import socket
import threading

# `python -c PAUSED_RUN <marker> <n> <assure run arguments...>`: `assure run`, except that the n-th load writes its
# submission id to <marker> and sleeps inside its transaction, before committing, so the test can kill the process
# there. It replaces the load's last step (`transforms.load.staging.mark_loaded`): the product has no test hook.
PAUSED_RUN = """
import sys, time
from pathlib import Path
from transforms import cli
from transforms.load import staging

marker, pause_at, *arguments = sys.argv[1:]
real, started = staging.mark_loaded, []

def mark_loaded(conn, result):
    real(conn, result)
    started.append(result.submission_id)
    if len(started) == int(pause_at):
        Path(marker).write_text(result.submission_id)
        time.sleep(120)

staging.mark_loaded = mark_loaded
sys.exit(cli.main(arguments))
"""


class BreakableProxy:
    """Forwards 127.0.0.1:<port> to `target` until told to fail."""

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5432)):
        self.target = target
        self.refusing = 0  # refuse this many new connections (-1: all)
        self.cut_on: bytes | None = None  # one-shot: cut the connection that sends these bytes
        self.cuts = 0
        self.refused = 0
        self._live: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, base_url: str) -> str:
        """`base_url` (a PostgreSQL URL on 127.0.0.1:5432) pointed at the proxy, without TLS so bytes are readable."""
        joiner = "&" if "?" in base_url else "?"
        return base_url.replace("127.0.0.1:5432", f"127.0.0.1:{self.port}") + f"{joiner}sslmode=disable"

    def drop_all(self) -> None:
        """Close every live connection, as a network failure would."""
        with self._lock:
            live, self._live = self._live, set()
        for sock in live:
            self._close(sock)

    def close(self) -> None:
        self.drop_all()
        self._listener.close()

    @staticmethod
    def _close(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refuse = self.refusing != 0
                if self.refusing > 0:
                    self.refusing -= 1
            if refuse:
                self.refused += 1
                self._close(client)
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._live |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if from_client and data and self.cut_on and self.cut_on in data:
                self.cut_on = None
                self.cuts += 1
                data = b""  # the statement never reaches the server: the connection dies before it
            if not data:
                self._close(source)
                self._close(sink)
                return
            try:
                sink.sendall(data)
            except OSError:
                self._close(source)
                return
