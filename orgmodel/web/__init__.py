"""The workbench: a local web app in Chinese over one ledger (``orgmodel serve``).

- :mod:`.app`: the Flask application (pages under ``/at/<day>/``, static files, errors);
- :mod:`.guard`: the door (hosts, roles, CSRF, limits, security headers);
- :mod:`.desk`: the answers per day and what pages derive from them once;
- :mod:`.pages`, :mod:`.body_page`, :mod:`.downloads`, :mod:`.search`: what is shown;
- :mod:`.serve`: the server (waitress) and the browser.

It reads only: no route changes anything.
"""

from .app import create_app

__all__ = ["create_app"]
