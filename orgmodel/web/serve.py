"""Run the workbench: a local web server (waitress, pure Python, on Windows and Linux) that
opens the browser itself and stops on Ctrl+C."""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable

from flask import Flask

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class PortBusy(Exception):
    """No port could be bound (a Chinese message says which)."""


def allowed_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` values a browser may send to reach the server at ``host:port``: the
    loopback names always; with a network address, that address and this machine's names."""
    names = {"127.0.0.1", "localhost", "[::1]"}
    if host not in LOOPBACK:
        names |= {host, socket.gethostname(), socket.getfqdn()}
        if _unspecified(host):
            try:
                names |= set(socket.gethostbyname_ex(socket.gethostname())[2])
            except OSError:
                pass
    return {f"{n}:{port}" for n in names}


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def bind(app_for: Callable[[set[str]], Flask], host: str, port: int, tries: int = 1):
    """A waitress server for the app ``app_for(allowed hosts)`` on ``host:port``, or on the
    next free port of ``tries`` (port 0: any free port); PortBusy when none is free."""
    from waitress.server import create_server

    last = None
    for candidate in [port] if port == 0 else range(port, port + tries):
        late = _Late()
        try:
            server = create_server(late, host=host, port=candidate, threads=4, ident="orgmodel")
        except OSError as exc:
            last = exc
            continue
        late.app = app_for(allowed_hosts(host, server.effective_port))
        return server
    raise PortBusy(f"端口 {port}{'–' + str(port + tries - 1) if tries > 1 else ''} 已被占用或不能使用({last});"
                   f"请用 --port 指定其他端口,或 --port 0 自动选择")


class _Late:
    """The WSGI app, set once the port (and so the allowed hosts) is known."""

    app: Flask | None = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def url_of(server, host: str) -> str:
    shown = "127.0.0.1" if host in LOOPBACK or _unspecified(host) else host
    return f"http://{shown}:{server.effective_port}/"


def run(server, url: str, open_browser: bool = True) -> None:
    """Serve until Ctrl+C, opening ``url`` in the browser first (when asked)."""
    if open_browser:
        threading.Timer(0.3, webbrowser.open, [url]).start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
