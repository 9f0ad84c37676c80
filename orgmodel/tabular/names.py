"""Headers and sheet names made comparable, whatever way a clerk wrote them."""

from __future__ import annotations

import re
import unicodedata

# Traditional characters that occur in the headers and sheet names offices use, to simplified.
_TRADITIONAL = str.maketrans(
    "區劃碼稱層級鄉鎮類戶數發號據備註說屬編製專迴週轉機構設單別質業規經費來隸門舉辦領導關駐掛職實與網員項個責務頭協變動臺帳賬調記錄舊準欄額總計黨團統資縣廳處長審議組織財臨時會種當權證範簡雜況併牽稅聯際廣東籌園莊灣陽陰濟寧遼黃豐劉張陳楊趙齊魯濱內衛醫療農環護綜獄應災術館圖書節電氣價報傳訊體檢驗監測運輸鐵礦",
    "区划码称层级乡镇类户数发号据备注说属编制专回周转机构设单别质业规经费来隶门举办领导关驻挂职实与网员项个责务头协变动台账账调记录旧准栏额总计党团统资县厅处长审议组织财临时会种当权证范简杂况并牵税联际广东筹园庄湾阳阴济宁辽黄丰刘张陈杨赵齐鲁滨内卫医疗农环护综狱应灾术馆图书节电气价报传讯体检验监测运输铁矿",
)
_MARKS = re.compile(r"[*＊※★☆]|[(（]\s*(必填|必填项|选填|可选)\s*[)）]|必填项?$|[:：]$")


def normal(text) -> str:
    """A header or sheet name made comparable: full-width to half-width, no spaces or line
    breaks, required marks (``*``, (必填)) dropped, traditional characters simplified."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s)
    s = _MARKS.sub("", s)
    return s.translate(_TRADITIONAL).lower()
