"""Terminal tables are aligned by display width: a CJK character takes two columns."""

from minsheng.lib.terminal import display_width, ljust, table


def test_wide_characters_take_two_columns_and_combining_marks_none():
    assert display_width("abc") == 3
    assert display_width("王经办") == 6
    assert display_width("第１号") == 6  # a full-width digit is wide too
    assert display_width("e\u0301") == 1  # e + combining acute
    assert display_width("·—") == 2  # ambiguous width counts as narrow


def test_ljust_pads_to_display_width():
    assert ljust("王", 4) == "王  "
    assert ljust("abc", 2) == "abc"  # never cut


def test_columns_line_up_with_mixed_scripts():
    lines = table([("kind", "recipient", "title"), ("overdue", "王经办", "标题"), ("x", "ab", "t")])
    starts = {display_width(line[: line.rindex(" ") + 1]) for line in lines}
    assert len(starts) == 1
    assert all(line == line.rstrip() for line in lines)
