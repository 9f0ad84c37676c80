"""HTML reports: balance (jurisdiction, townships, county bodies), audit findings and scenarios.

Pages are jinja2 templates (``orgmodel/templates``) with inline CSS, SVG and a little JS,
so each file opens offline and prints on A4 landscape.
"""

from .audit_report import write_audit_report
from .balance_report import write_balance_report
from .scenario_report import write_scenario_report

__all__ = ["write_audit_report", "write_balance_report", "write_scenario_report"]
