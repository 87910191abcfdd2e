"""The reply-norm checker (DOMAIN.md §3, 答复规范): what a compliant reply contains.

`check(reply, suggestion)` runs every rule in `RULES` and returns its findings. Each rule is a
named function with a stable code, a severity (`error`: must be fixed before signing;
`warning`: fix it or justify it) and an explanation in Chinese and English (`MESSAGES`; no
Django gettext in the core, the adapter picks the language).

The rules are explainable heuristics over the text, not a model:
- the result category is present and the text bears it out (A says what was solved; B states a
  plan and a target date; C and D give reasons);
- the suggestion's key requests are answered: sentences of the suggestion with 建议/希望/要求/
  应当… are its requests (with the items of an enumeration after them: 一是…；二是…); each
  request's content words (jieba, generic words such as 加强/部门/尽快 left out) are looked for
  in the reply; a request with fewer than a third of them (or fewer than two) in the reply is
  uncovered and listed;
- contact with the deputy logged, joint units' opinions stated, signer and contact person (with
  a phone number) present;
- no empty formula: the share of boilerplate sentences (留言已收悉, 高度重视, 认真研究, 积极协调…
  without a number, date, amount or named action) against concrete ones;
- the length within bounds (`Limits`).

A fact the caller knows (the contact log, the joint units, the signer) is passed in and wins;
`None` means "unknown", and the rule then reads the text itself (a file of replies carries no
contact log) or, where the text cannot tell, stays silent. Any text is accepted: empty,
punctuation only, 100,000 characters, other scripts give findings or none, never an exception.

Pure module: no Django (CONVENTIONS: insight/ is a framework-free core).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.insight.words import INVISIBLE, TAGS, is_han, words

__all__ = [
    "CATEGORIES",
    "ERROR",
    "MESSAGES",
    "RULES",
    "WARNING",
    "Finding",
    "Limits",
    "ReplyText",
    "Request",
    "SuggestionText",
    "boilerplate_share",
    "check",
    "check_file",
    "coverage",
    "key_requests",
]

ERROR = "error"
WARNING = "warning"
CATEGORIES = ("A", "B", "C", "D")
# Places relabel the fixed types (DOMAIN §2.5); statistics and these rules use A–D.
_CATEGORY_ALIASES = {"甲": "A", "乙": "B", "丙": "C", "丁": "D"}

# A reply longer than this is read only this far (the signature block is looked for in the
# whole text as given, up to _MAX_SCAN).
_MAX_ANALYSED = 20_000
_MAX_SCAN = 200_000


@dataclass(frozen=True)
class Limits:
    """Bounds of the checks. A reply letter (DOMAIN §3: greeting, point-by-point answers, joint
    opinions, signature and contacts) is hardly shorter than 200 characters; beyond 8,000 it is
    no longer a letter a deputy reads (attach the material instead)."""

    min_chars: int = 200
    max_chars: int = 8000
    # A request counts as answered when this share of its content words (and at least two)
    # is in the reply: a request sentence names the matter and describes it, an answer names
    # the matter.
    request_words_share: float = 1 / 3
    # Below this share of requests answered the coverage finding is an error, not a warning.
    coverage_error_below: float = 0.34
    # Boilerplate share of the reply's sentences from which the reply is flagged.
    boilerplate_share: float = 0.6
    # At most this many requests are read from one suggestion (a 100,000-character paste).
    max_requests: int = 20


@dataclass(frozen=True)
class ReplyText:
    """A reply as the checker reads it. `None` is "unknown" (the rule reads the text or stays
    silent); an empty string is "given, and blank"."""

    text: str = ""
    category: str | None = ""
    plan: str = ""
    target_date: dt.date | str | None = None
    reasons: str = ""
    contact_logged: bool | None = None
    joint_units: Sequence[str] = ()
    joint_opinions_stated: bool | None = None
    signer: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class SuggestionText:
    title: str = ""
    body: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    params: dict[str, str] = field(default_factory=dict)
    # Items the finding is about (the uncovered requests), to list under it.
    items: tuple[str, ...] = ()

    def message(self, lang: str = "zh") -> str:
        table = MESSAGES[self.code]
        template = table.get(lang) or table["zh"]
        return template.format(**self.params)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
            "items": list(self.items),
        }


MESSAGES: dict[str, dict[str, str]] = {
    "category-missing": {
        "zh": "未标明办理结果类别（A/B/C/D）{value}；答复首页右上角须标明类别。",
        "en": "No result category (A/B/C/D){value_en}; page one must state it at the top right.",
    },
    "category-a-unsolved": {
        "zh": "标为A类（已解决或基本解决），但正文未写明已经解决了什么{contradiction}。",
        "en": "Marked A (solved), but the text does not say what was solved{contradiction_en}.",
    },
    "category-b-plan": {
        "zh": "标为B类（正在解决或列入计划），但未写明解决计划和步骤。",
        "en": "Marked B (being solved), but no plan or steps are stated.",
    },
    "category-b-date": {
        "zh": "标为B类，但未写明完成时限（如“2027年6月底前”）；B类答复是须跟踪到解决的承诺。",
        "en": "Marked B, but no target date is given (e.g. 'by the end of June 2027'); a B "
        "reply is a commitment tracked until solved.",
    },
    "category-cd-reasons": {
        "zh": "标为{category}类，但未说明原因（如条件限制、政策规定、职权范围）。",
        "en": "Marked {category}, but no reasons are given (conditions, rules, powers).",
    },
    "requests-uncovered": {
        "zh": "建议中的{uncovered}/{total}项具体要求在答复中未见回应（覆盖率{share}），"
        "应逐条答复、不答非所问：",
        "en": "{uncovered} of the suggestion's {total} requests are not addressed in the reply "
        "(coverage {share}); answer point by point:",
    },
    "contact-not-logged": {
        "zh": "没有与代表沟通联系的记录；答复前须与代表沟通并登记，否则答复将被退回。",
        "en": "No contact with the deputy is logged; contact and log it before replying, or "
        "the reply is sent back.",
    },
    "contact-not-mentioned": {
        "zh": "正文未提及与代表的沟通联系（面商、电话、座谈、走访等），请核实是否已沟通并登记。",
        "en": "The text mentions no contact with the deputy (meeting, phone, visit); check that "
        "it took place and is logged.",
    },
    "joint-opinions-missing": {
        "zh": "本建议有会办单位（{units}），答复中应写明会办单位的意见。",
        "en": "The suggestion has joint units ({units}); the reply must state their opinions.",
    },
    "signer-missing": {
        "zh": "未见签发人；答复须由单位负责人签发（重点建议及承诺项目、资金的由主要负责人签发）。",
        "en": "No signer; the unit head signs the reply (the top leader for key suggestions and "
        "promises of projects or funds).",
    },
    "contact-person-missing": {
        "zh": "未见{missing}；答复须写明负责人和经办人的姓名及联系电话。",
        "en": "Missing: {missing_en}; the reply names the responsible leader and the case officer "
        "with phone numbers.",
    },
    "empty-formula": {
        "zh": "答复以套话为主（套话句占{share}），没有具体措施、数字、时间或金额；请写明做了什么、"
        "将做什么。",
        "en": "The reply is mostly boilerplate ({share} of its sentences) with no concrete "
        "measure, number, date or amount; say what was and will be done.",
    },
    "boilerplate-heavy": {
        "zh": "答复中套话偏多（套话句占{share}），具体内容较少；请充实具体措施。",
        "en": "Much of the reply is boilerplate ({share} of its sentences); add concrete measures.",
    },
    "reply-empty": {
        "zh": "答复正文为空。",
        "en": "The reply has no text.",
    },
    "too-short": {
        "zh": "答复过短（{chars}字，下限{bound}字），难以逐条答复建议。",
        "en": "The reply is too short ({chars} characters, at least {bound}) to answer point "
        "by point.",
    },
    "too-long": {
        "zh": "答复过长（{chars}字，上限{bound}字）；请精简正文，详细材料作为附件。",
        "en": "The reply is too long ({chars} characters, at most {bound}); shorten it and "
        "attach the details.",
    },
}


# --- text -------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
# Enumerations inside one sentence: 一是…；二是…, （一）…, 1. … (after NFKC: ASCII brackets)
_ENUMERATOR = (
    r"(?:[一二三四五六七八九十]是|\([一二三四五六七八九十\d]{1,2}\)|(?<![\d.])\d{1,2}[.、](?!\d)"
    r"|[一二三四五六七八九十]、)"
)
_ENUMERATION = re.compile(f"(?={_ENUMERATOR})")
_ENUMERATED = re.compile(_ENUMERATOR)


def _normalise(text: object, limit: int = _MAX_ANALYSED) -> str:
    """Readable text with its line breaks kept (they end sentences and signature lines)."""
    if text is None:
        return ""
    value = str(text)[:_MAX_SCAN]
    value = html.unescape(TAGS.sub(" ", value))
    value = INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    value = "\n".join(_SPACES.sub(" ", line).strip() for line in value.splitlines())
    return re.sub(r"\n{2,}", "\n", value).strip()[:limit]


def _content_chars(text: str) -> int:
    """Characters that carry text: letters, marks and digits (not spaces or punctuation)."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LMN")


def _sentences(text: str, enumerations: bool = True) -> list[str]:
    found = []
    for piece in _SENTENCE_END.split(text):
        for part in _ENUMERATION.split(piece) if enumerations else [piece]:
            part = part.strip(" \n")
            if _content_chars(part):
                found.append(part)
    return found


def _has(text: str, phrases: Sequence[str]) -> bool:
    return any(p in text for p in phrases)


# --- the category ------------------------------------------------------------------------------

_SOLVED = (
    "已解决", "基本解决", "得到解决", "已经解决", "已完成", "全面完成", "已建成", "已落实",
    "已实施", "已投入使用", "已开通", "已竣工", "已办结", "已拨付",
    "已修复", "已整改", "整改到位", "已出台", "已印发", "已下达", "已安装", "已改造", "已开工",
    "已纳入", "已全部", "已恢复", "已增设", "已解决到位", "全部完成", "均已完成", "已经完成",
    "如期完成",
)  # fmt: skip
_NOT_SOLVED = (
    "暂不具备", "尚不具备", "条件不成熟", "暂无法", "暂时无法", "无法解决", "留作参考",
    "逐步解决", "列入计划", "待以后", "需待", "正在研究",
)  # fmt: skip
_PLAN = (
    "计划", "方案", "列入", "纳入", "分步", "步骤", "分期", "拟", "将于", "预计", "规划",
    "安排", "启动", "第一步", "下一步将", "年度项目", "工作方案", "实施方案",
)  # fmt: skip
_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}"
    r"|\d{1,2}\s*月(?:底|中旬|上旬|下旬|份|前|\s*\d{1,2}\s*日)"
    r"|年底|年内|明年|下半年|上半年|第[一二三四1-4]季度|[一二三四1-4]季度|月底|年末"
    r"|[一二两三四五六七八九十\d]+个?月内|[一二两三四五六七八九十\d]+年内"
    r"|[一二三四五六七八九十]{2}[〇零一二三四五六七八九十]{2}年"
)
_REASONS = (
    "由于", "因为", "因受", "受限于", "限制", "鉴于", "原因", "不具备", "缺口", "不足",
    "政策规定", "法律规定", "规定", "超出", "权限", "职权", "不符合", "难以", "制约", "尚未",
    "不宜", "暂缓", "客观", "考虑到", "经测算", "经论证",
)  # fmt: skip


def normal_category(value: str | None) -> str | None:
    """ "A", "A类", "a", "甲" → "A"; blank → ""; `None` (not known) stays `None`."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    text = text.removesuffix("类").strip()
    text = _CATEGORY_ALIASES.get(text, text)
    return text


def rule_category_present(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    category = normal_category(reply.category)
    if category is None or category in CATEGORIES:
        return []
    given = str(reply.category).strip()
    params = {
        "value": f"（填写为“{given}”）" if category else "",
        "value_en": f" (given: “{given}”)" if category else "",
    }
    return [Finding("category-missing", ERROR, params)]


def rule_category_consistent(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    category = normal_category(reply.category)
    text = _normalise(reply.text)
    if category not in CATEGORIES or not _content_chars(text):
        return []
    if category == "A":
        if _has(text, _SOLVED):
            return []
        against = [p for p in _NOT_SOLVED if p in text]
        params = {
            "contradiction": f"，且写有“{against[0]}”" if against else "",
            "contradiction_en": f", and it says “{against[0]}”" if against else "",
        }
        return [Finding("category-a-unsolved", WARNING, params)]
    if category == "B":
        found = []
        if not (reply.plan or "").strip() and not _has(text, _PLAN):
            found.append(Finding("category-b-plan", ERROR))
        if not str(reply.target_date or "").strip() and not _DATE.search(text):
            found.append(Finding("category-b-date", ERROR))
        return found
    if not (reply.reasons or "").strip() and not _has(text, _REASONS):
        return [Finding("category-cd-reasons", ERROR, {"category": category})]
    return []


# --- coverage of the suggestion's key requests ------------------------------------------------

_REQUEST_MARKERS = (
    "建议", "希望", "要求", "应当", "应该", "呼吁", "恳请", "请求", "亟需", "亟待", "尽快",
    "务必", "必须", "需要", "应", "请",
)  # fmt: skip
# Words of a request that say how, not what: matching them proves nothing.
_GENERIC_TEXT = """
    加强 加大 推进 推动 完善 提高 提升 进一步 有关 部门 有关部门 政府 相关部门 尽快 力度 工作
    实施 开展 落实 建立 健全 强化 重视 解决 切实 积极 支持 要求 应当 应该 需要 呼吁 恳请 请求
    亟需 亟待 务必 必须 为此 对此 建议 方面 情况 措施 同时 各级 我市 我省 我县 我区 全市 全省 全县
    群众 百姓 老百姓 人民 广大 代表 问题 困难 存在 不断 加快 逐步 大力 认真 努力 及时 确保
    保障 有效 做好 抓好 形成 实现 增加 提供 给予 予以 进行 不够 较为 比较 非常 特别 目前 当前
"""
_GENERIC = frozenset(_GENERIC_TEXT.split())
_MIN_REQUEST_WORDS = 2


@dataclass(frozen=True)
class Request:
    sentence: str
    words: tuple[str, ...]
    matched: tuple[str, ...] = ()

    def covered(self, share: float = 1 / 3) -> bool:
        """At least `share` of the request's content words, and at least two of them (all of
        them for a request of one word), are in the reply."""
        if not self.words:
            return False
        enough = min(2, len(self.words))
        return len(self.matched) >= enough and len(self.matched) / len(self.words) >= share


def _content_words(sentence: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for word in words(sentence):
        if word in _GENERIC or word.isdigit():
            continue
        seen.setdefault(word, None)
    return tuple(seen)


def key_requests(suggestion: SuggestionText, limit: int = 20) -> list[Request]:
    """The suggestion's requests: its sentences that ask for something (建议/希望/要求/应当…),
    each with its content words. With no such sentence, the title stands for the request."""
    body = _normalise(suggestion.body, 6000)
    found: list[Request] = []
    asking = False
    for sentence in _sentences(body, enumerations=False):
        # "建议：一是……；二是……。": the items after an asking sentence ask too.
        if _has(sentence, _REQUEST_MARKERS):
            asking = True
        elif not _ENUMERATED.match(sentence):
            asking = False
        if not asking:
            continue
        for part in _ENUMERATION.split(sentence):
            content = _content_words(part)
            if len(content) >= _MIN_REQUEST_WORDS and len(found) < limit:
                found.append(Request(part.strip(), content))
    if not found:
        for text in (_normalise(suggestion.title, 300), body[:300]):
            content = _content_words(text)
            if len(content) >= _MIN_REQUEST_WORDS:
                found.append(Request(text, content))
                break
    return found


def _matches(word: str, reply: str, reply_words: frozenset[str]) -> bool:
    if word in reply or word in reply_words:
        return True
    # A compound the reply names by its head (农村公路 → 公路, 学校食堂 → 食堂): Chinese
    # compounds put the head last, so a four-character word's last two characters count.
    head = word[-2:]
    return (
        len(word) >= 4 and all(is_han(c) for c in word) and head not in _GENERIC and head in reply
    )


def coverage(
    suggestion: SuggestionText, reply_text: str, limits: Limits | None = None
) -> tuple[float, list[Request]]:
    """The share of the suggestion's requests the reply addresses, and the requests with the
    words found. 1.0 when the suggestion has no request to read."""
    limits = limits or Limits()
    requests = key_requests(suggestion, limits.max_requests)
    if not requests:
        return 1.0, []
    reply = _normalise(reply_text)
    reply_words = frozenset(words(reply[:6000]))
    scored = []
    for request in requests:
        matched = tuple(w for w in request.words if _matches(w, reply, reply_words))
        scored.append(Request(request.sentence, request.words, matched))
    covered = sum(1 for r in scored if r.covered(limits.request_words_share))
    return covered / len(scored), scored


def rule_requests_answered(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    if not _content_chars(_normalise(reply.text, 2000)):
        return []  # an empty reply is the length rule's finding
    share, requests = coverage(suggestion, reply.text, limits)
    uncovered = [r for r in requests if not r.covered(limits.request_words_share)]
    if not uncovered:
        return []
    severity = ERROR if share < limits.coverage_error_below else WARNING
    params = {
        "uncovered": str(len(uncovered)),
        "total": str(len(requests)),
        "share": f"{share:.0%}",
    }
    items = tuple(_shorten(r.sentence, 60) for r in uncovered)
    return [Finding("requests-uncovered", severity, params, items)]


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- contact, joint opinions, signature ---------------------------------------------------------

_CONTACT = (
    "沟通", "联系了", "电话联系", "电话告知", "电话征求", "当面", "面商", "面谈", "座谈", "走访",
    "拜访", "上门", "实地", "见面", "陪同", "视察", "交流", "回访", "邀请代表", "邀请您",
    "与您联系", "征求您", "听取您", "征求了您", "与代表", "同代表",
)  # fmt: skip
_JOINT = ("会办", "协办", "会同", "经商", "商请", "联合", "征求了", "意见")
_SIGNER = re.compile(r"(?:签\s*发(?:人)?|签\s*批(?:人)?|签字|负责人)\s*[:：]\s*\S")
_CONTACT_PERSON = re.compile(
    r"(?:联\s*系\s*人|经\s*办\s*人|承办人|联络人)\s*[:：]?\s*[^\s:：，,。\d]"
)
_PHONE = re.compile(
    r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}[-－ ]?\d{7,8}|\d{3,4}[-－]\d{7,8}|\(0\d{2,3}\)\d{7,8})(?!\d)"
)


def rule_contact_logged(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    if reply.contact_logged is True:
        return []
    if reply.contact_logged is False:
        return [Finding("contact-not-logged", ERROR)]
    text = _normalise(reply.text)
    if not _content_chars(text) or _has(text, _CONTACT):
        return []
    return [Finding("contact-not-mentioned", WARNING)]


def rule_joint_opinions(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    units = [u.strip() for u in reply.joint_units if u and u.strip()]
    if not units or reply.joint_opinions_stated is True:
        return []
    text = _normalise(reply.text)
    if reply.joint_opinions_stated is None and (
        any(u in text for u in units) or _has(text, _JOINT[:5])
    ):
        return []
    return [Finding("joint-opinions-missing", ERROR, {"units": "、".join(units[:5])})]


def _signature_block(text: str) -> str:
    """The whole text (signature and contacts stand at its end, however long the body)."""
    return _normalise(text, _MAX_SCAN)


def rule_signer(reply: ReplyText, suggestion: SuggestionText, limits: Limits) -> list[Finding]:
    if reply.signer is not None:
        return [] if reply.signer.strip() else [Finding("signer-missing", ERROR)]
    text = _signature_block(reply.text)
    if not _content_chars(text) or _SIGNER.search(text):
        return []
    return [Finding("signer-missing", ERROR)]


def rule_contact_person(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    text = _signature_block(reply.text)
    if reply.contact_person is None and reply.contact_phone is None and not _content_chars(text):
        return []
    person = (
        bool(reply.contact_person.strip())
        if reply.contact_person is not None
        else bool(_CONTACT_PERSON.search(text))
    )
    phone = (
        bool(_PHONE.search(reply.contact_phone) or _content_chars(reply.contact_phone) >= 5)
        if reply.contact_phone is not None
        else bool(_PHONE.search(text))
    )
    if person and phone:
        return []
    missing = [name for name, ok in (("联系人", person), ("联系电话", phone)) if not ok]
    missing_en = [name for name, ok in (("contact person", person), ("phone", phone)) if not ok]
    params = {"missing": "、".join(missing), "missing_en": ", ".join(missing_en)}
    return [Finding("contact-person-missing", ERROR, params)]


# --- empty formula -------------------------------------------------------------------------------

BOILERPLATE = (
    "收悉", "已收到", "高度重视", "非常重视", "十分重视", "认真研究", "认真研读", "认真办理",
    "认真对待", "积极协调", "积极研究", "研究解决", "统筹考虑", "综合考虑", "进一步加强",
    "进一步加大", "加大力度", "持续关注", "继续关注", "积极推进", "大力推进", "努力推动",
    "关心和支持", "关心支持", "关注和支持", "宝贵意见", "宝贵建议", "感谢您", "衷心感谢",
    "再次感谢", "表示感谢", "现答复如下", "现将办理情况答复如下", "特此答复", "特此函复",
    "妥否", "欢迎继续", "批评指正", "给予重视", "专题研究", "认真落实", "高度关注", "密切关注",
    "适时", "择机", "积极争取", "尽力", "酌情", "有关工作", "抓紧研究", "深入研究", "认真梳理",
)  # fmt: skip
_FRAME = re.compile(
    r"^(?:尊敬的|敬爱的)|代表[:：]?$|(?:签\s*发|联\s*系\s*人|经\s*办\s*人|联系电话|电\s*话|抄\s*送)\s*[:：]"
    r"|^\S{0,30}(?:局|厅|委员会|委|办公室|办|政府|中心|院|公司)$|^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$"
)
_CONCRETE_PATTERN = re.compile(
    r"\d"
    r"|[一二两三四五六七八九十百千万亿]+(?:万元|亿元|元|公里|千米|米|平方米|亩|个|所|座|条|项|户|人|名|家|台|辆|处|套|批|次|期|盏|张)"
    r"|《[^》]{2,40}》"
)
_NAMED_ACTIONS = (
    "已完成", "已建成", "已投入", "已下达", "已印发", "已出台", "已拨付", "已开工", "已安排",
    "已启动", "已修订", "已制定", "已组织", "已召开", "已开展", "已设立", "已增设", "已改造",
    "已修复", "已维修", "已安装", "已开通", "已纳入", "已落实", "已解决", "已协调", "已对接",
    "印发", "出台", "下达", "拨付", "开工", "建成", "竣工", "新建", "改建", "扩建", "改造",
    "安装", "增设", "修订", "制定了", "设立", "招聘", "培训", "检查", "督查", "整改", "划拨",
    "补助", "补贴", "立项", "招标", "验收",
)  # fmt: skip


@dataclass(frozen=True)
class Boilerplate:
    share: float
    boilerplate: int
    concrete: int
    other: int


def _is_concrete(sentence: str) -> bool:
    return bool(_CONCRETE_PATTERN.search(sentence)) or _has(sentence, _NAMED_ACTIONS)


def boilerplate_share(text: str) -> Boilerplate:
    """Sentences of the reply's body (greeting, signature and contact lines left out) that are
    boilerplate (a stock phrase and nothing concrete), concrete (a number, date, amount, named
    document or named action) or neither; `share` is boilerplate over all of them."""
    counts = {"boilerplate": 0, "concrete": 0, "other": 0}
    for sentence in _sentences(_normalise(text)):
        if _FRAME.search(sentence):
            continue
        if _is_concrete(sentence):
            counts["concrete"] += 1
        elif _has(sentence, BOILERPLATE):
            counts["boilerplate"] += 1
        else:
            counts["other"] += 1
    total = sum(counts.values())
    return Boilerplate(counts["boilerplate"] / total if total else 0.0, **counts)


def rule_no_empty_formula(
    reply: ReplyText, suggestion: SuggestionText, limits: Limits
) -> list[Finding]:
    measured = boilerplate_share(reply.text)
    if not measured.boilerplate:
        return []
    share = {"share": f"{measured.share:.0%}"}
    if not measured.concrete and measured.boilerplate >= measured.other:
        return [Finding("empty-formula", ERROR, share)]
    if measured.share >= limits.boilerplate_share:
        return [Finding("boilerplate-heavy", WARNING, share)]
    return []


# --- length ------------------------------------------------------------------------------------


def rule_length(reply: ReplyText, suggestion: SuggestionText, limits: Limits) -> list[Finding]:
    chars = _content_chars(_normalise(reply.text, _MAX_SCAN))
    if not chars:
        return [Finding("reply-empty", ERROR)]
    if chars < limits.min_chars:
        return [
            Finding("too-short", WARNING, {"chars": str(chars), "bound": str(limits.min_chars)})
        ]
    if chars > limits.max_chars:
        return [Finding("too-long", WARNING, {"chars": str(chars), "bound": str(limits.max_chars)})]
    return []


# --- running ------------------------------------------------------------------------------------

Rule = Callable[[ReplyText, SuggestionText, Limits], list[Finding]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("category", rule_category_present),
    ("category-consistent", rule_category_consistent),
    ("requests", rule_requests_answered),
    ("contact", rule_contact_logged),
    ("joint", rule_joint_opinions),
    ("signer", rule_signer),
    ("contact-person", rule_contact_person),
    ("empty-formula", rule_no_empty_formula),
    ("length", rule_length),
)


def check(
    reply: ReplyText, suggestion: SuggestionText | None = None, limits: Limits | None = None
) -> list[Finding]:
    """Every rule's findings for one reply, errors first, in the order of `RULES`."""
    suggestion = suggestion or SuggestionText()
    limits = limits or Limits()
    findings = [f for _, rule in RULES for f in rule(reply, suggestion, limits)]
    return sorted(findings, key=lambda f: f.severity != ERROR)


# --- a file of replies ---------------------------------------------------------------------------


@dataclass
class FileResult:
    """The findings of each row of a file (`row` counts the file's rows from 1, the header
    included, as a spreadsheet shows them), and the optional columns the file lacked."""

    encoding: str
    rows: int = 0
    findings: list[tuple[int, Finding]] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        by_code: dict[str, int] = {}
        for _, finding in self.findings:
            by_code[finding.code] = by_code.get(finding.code, 0) + 1
        return {
            "rows": self.rows,
            "rows_with_findings": len({row for row, _ in self.findings}),
            "errors": sum(1 for _, f in self.findings if f.severity == ERROR),
            "warnings": sum(1 for _, f in self.findings if f.severity == WARNING),
            "by_code": dict(sorted(by_code.items())),
            "missing_columns": self.missing_columns,
        }


def check_file(
    path: str | Path,
    text_col: str = "答复内容",
    category_col: str = "类别",
    suggestion_col: str = "建议内容",
    title_col: str = "建议标题",
    limits: Limits | None = None,
) -> FileResult:
    """Check every reply of a CSV (UTF-8 or GBK) or xlsx file, read by the evaluation
    harness's reader. The reply column is required (`DataError` otherwise); a missing category,
    suggestion or title column leaves those rules to what the file gives (a file has no
    contact log, so contact is read from the text)."""
    from minsheng.insight.evaluate import find_header, read_rows
    from minsheng.insight.words import clean

    rows, encoding = read_rows(Path(path))
    header_at = find_header(rows, [text_col], Path(path), encoding)
    names = [clean(c) for c in rows[header_at]]
    result = FileResult(encoding)
    at: dict[str, int | None] = {}
    for column in (category_col, suggestion_col, title_col):
        at[column] = names.index(column) if column in names else None
        if at[column] is None and column != title_col:
            result.missing_columns.append(column)
    text_at = names.index(text_col)

    def cell(row: Sequence[str], index: int | None) -> str | None:
        if index is None:
            return None
        return row[index] if index < len(row) else ""

    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(str(c).strip() for c in row):
            continue  # padding
        result.rows += 1
        reply = ReplyText(text=cell(row, text_at) or "", category=cell(row, at[category_col]))
        suggestion = SuggestionText(
            title=cell(row, at[title_col]) or "", body=cell(row, at[suggestion_col]) or ""
        )
        if at[suggestion_col] is None and at[title_col] is None:
            suggestion = SuggestionText()
        result.findings.extend((number, f) for f in check(reply, suggestion, limits))
    return result
