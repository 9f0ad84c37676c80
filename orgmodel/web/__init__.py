"""The workbench: a local web app in Chinese over one ledger (``orgmodel serve``).

- :mod:`.app`: the Flask application (pages under ``/at/<day>/``, static files, errors);
- :mod:`.guard`: the door (hosts, roles, CSRF, limits, security headers);
- :mod:`.desk`: the answers per day and what pages derive from them once;
- :mod:`.pages`, :mod:`.body_page`, :mod:`.downloads`, :mod:`.search`: what is shown;
- :mod:`.plans`, :mod:`.plan_form`, :mod:`.plan_files`, :mod:`.drafts`: plans drafted in forms,
  simulated, compared, exported and imported, kept in a drafts file apart from the ledger;
- :mod:`.accounts`, :mod:`.login`, :mod:`.approval`: accounts, the audit trail, and a plan's way
  from submission to a commit into the store;
- :mod:`.serve`: the server (waitress) and the browser.

Only :mod:`.approval` writes the ledger, through the store's own append and reverse.
"""

from .app import create_app

__all__ = ["create_app"]
