"""Write orgmodel/locale/zh_CN/LC_MESSAGES/orgmodel.mo from orgmodel.commands.cli_text.CLICK_ZH."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgmodel.commands.cli_text import CLICK_ZH, DOMAIN, LOCALE_DIR, mo_bytes  # noqa: E402

path = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo"
path.parent.mkdir(parents=True, exist_ok=True)
path.write_bytes(mo_bytes(CLICK_ZH))
print(f"wrote {path} ({len(CLICK_ZH)} messages)")
