"""The redaction detectors on a table of real-looking patterns and of look-alikes that are not
personal data (`minsheng/disclosure/redaction.py`, pure)."""

from __future__ import annotations

import pytest

from minsheng.disclosure import redaction as r


def _luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        if r.luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError


CARD_16 = _luhn_complete("622202020000123")
CARD_19 = _luhn_complete("621700123456789012")
ID_OK = "11010519491231002X"  # the standard's own example


def _id_complete(first17: str) -> str:
    for c in "0123456789X":
        if r.id_card_valid(first17 + c):
            return first17 + c
    raise AssertionError


ID_OK_2 = _id_complete("32010219850715123")

MATCHES = [
    # (text, the masked fragment, kind)
    ("请拨打13812345678联系", "13812345678", "phone"),
    ("手机：138 1234 5678。", "138 1234 5678", "phone"),
    ("手机+86-13912345678", "+86-13912345678", "phone"),
    ("电话0871-65123456", "0871-65123456", "phone"),
    ("电话(010)62345678转123", "(010)62345678转123", "phone"),
    ("电话（0755）86001234", "（0755）86001234", "phone"),
    ("座机 021 52345678 找王科长", "021 52345678", "phone"),
    ("电话075586001234", "075586001234", "phone"),
    (f"身份证号{ID_OK}，", ID_OK, "id_card"),
    (f"身份证号 {ID_OK.lower()}", ID_OK.lower(), "id_card"),
    (f"证件{ID_OK_2}", ID_OK_2, "id_card"),
    (f"卡号{CARD_16}", CARD_16, "bank_card"),
    (f"卡号 {CARD_19}", CARD_19, "bank_card"),
    (
        f"卡号 {CARD_16[:4]} {CARD_16[4:8]} {CARD_16[8:12]} {CARD_16[12:]}",
        f"{CARD_16[:4]} {CARD_16[4:8]} {CARD_16[8:12]} {CARD_16[12:]}",
        "bank_card",
    ),
    ("邮箱zhang.san@example.com.cn。", "zhang.san@example.com.cn", "email"),
    ("来信 li_si+gov@qq.com", "li_si+gov@qq.com", "email"),
    ("家住幸福路88号3栋2单元501室", "88号3栋2单元501室", "address"),
    ("住和平小区5栋2单元302室", "5栋2单元302室", "address"),
    ("人民路12号501室的住户", "12号501室", "address"),
    ("东风里7号院2号楼3单元", "7号院2号楼3单元", "address"),
    ("三栋二单元1201室", "三栋二单元1201室", "address"),
    ("车牌云A·12345的车", "云A·12345", "plate"),
    ("车牌粤BD12345", "粤BD12345", "plate"),
    ("京N 8K2G9", "京N 8K2G9", "plate"),
    ("川A12345挂", "川A1234", "plate"),  # the trailer plate's series is masked with its number
]

NON_MATCHES = [
    "请拨打12345政务服务便民热线",
    "供电服务热线95598",
    "客服电话400-820-8820",
    "第0001号建议",
    "国办发〔2014〕46号文件",
    "人民路12号是市政府",
    "2026年11月26日",
    "投入资金12,000,000元",
    "共计1234567890元",
    "新建3栋教学楼",
    "110105194912310021",  # a wrong check digit
    "110105194902300028",  # 30 February
    "6222020200001234567",  # fails Luhn (and is not the card above)
    "鲁迅公园",
    "京A·ABCDE",
    "邮件地址未提供@",
    "GB 11643-1999",
    "第12届人大第4次会议",
]


@pytest.mark.parametrize(("text", "fragment", "kind"), MATCHES)
def test_a_real_looking_pattern_is_found_and_masked(text, fragment, kind):
    spans = r.detect(text)
    found = [(text[s.start : s.end], s.kind) for s in spans]
    if kind == "plate" and fragment == "川A1234":
        assert found and found[0][1] == "plate"
        assert "A1234" not in r.apply(text, spans)
        return
    assert (fragment, kind) in found, found
    assert fragment not in r.apply(text, spans)
    assert r.MASK in r.apply(text, spans)


@pytest.mark.parametrize("text", NON_MATCHES)
def test_a_look_alike_is_left_alone(text):
    if text == "6222020200001234567":
        assert not r.luhn_valid(text)
    assert r.detect(text) == [], [(text[s.start : s.end], s.kind) for s in r.detect(text)]
    assert r.apply(text, r.detect(text)) == text


def test_known_values_are_masked_wherever_they_appear():
    text = "代表地址：青川市东风巷口老邮局旁；再次：青川市东风巷口老邮局旁"
    spans = r.detect(text, ["青川市东风巷口老邮局旁", "", "王"])
    assert [s.kind for s in spans] == ["contact", "contact"]
    assert "东风巷口" not in r.apply(text, spans)


def test_checksums():
    assert r.id_card_valid(ID_OK) and r.id_card_valid(ID_OK_2)
    assert not r.id_card_valid("11010519491231002Y")
    assert r.luhn_valid("79927398713") and not r.luhn_valid("79927398710")


def test_spans_merge_and_apply_clips():
    assert r.merge([(0, 3, "a"), (2, 5, "b"), (7, 8, "c")]) == [
        r.Span(0, 5, "a"),
        r.Span(7, 8, "c"),
    ]
    assert r.apply("abcdef", [(4, 99, "x"), (-3, 1, "y")]) == f"{r.MASK}bcd{r.MASK}"
    assert r.apply("abc", []) == "abc"
    assert r.occurrences("护栏和护栏", "护栏") == [r.Span(0, 2, "manual"), r.Span(3, 5, "manual")]
    assert r.occurrences("abc", "  ") == []


def test_every_phone_of_a_mixed_text_is_masked():
    text = "联系人张三，电话13812345678、0871-65123456，邮箱a@b.cn，身份证" + ID_OK
    public = r.apply(text, r.detect(text))
    for secret in ("13812345678", "0871-65123456", "a@b.cn", ID_OK):
        assert secret not in public
    assert public.startswith("联系人张三，电话")
