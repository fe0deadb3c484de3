"""exports.table_fit measures a line a character at a time (document.text_ems carried on): the same widths, to the
last bit, as measuring each line whole, so the breaks are those the whole-line measure gives."""
from hypothesis import given
from hypothesis import strategies as hs

from leifeng_desktop.exports import document as d
from leifeng_desktop.exports import table_fit as tf

TEXT = hs.text(alphabet="学雷锋工会XX市（逾期）、，。ABCab12 3%—…", max_size=40)


@given(TEXT, TEXT)
def test_a_width_carried_on_is_the_width_measured_whole(head, tail):
    carried = d.text_ems(tail, d.text_ems(head), d.char_ems(head[-1])[1] if head else None)
    assert carried == d.text_ems(head + tail)
    assert d.text_width_mm(head + tail, 12) == carried * 12 * 25.4 / 72


@given(TEXT, hs.floats(min_value=5, max_value=60), hs.sampled_from([9, 10.5, 12, 16]))
def test_greedy_lines_fit_and_take_all_that_fits(text, limit, size):
    lines = tf._greedy(text, limit, size)
    assert "".join(lines) == text
    end = 0
    for line in lines[:-1]:
        end += len(line)
        assert d.text_width_mm(line, size) <= limit or len(line) == 1 or line[1] in tf.NO_LINE_START   # carried
        grown = d.text_width_mm(line + text[end], size)
        assert grown > limit or text[end + 1:end + 2] in tf.NO_LINE_START   # else a mark took text[end] along


def stepped_balance(text, width_mm, size):
    """balance as it was first written: _greedy at every quarter millimetre from the even width up."""
    room = width_mm - tf.CELL_PAD_MM
    if "\n" in text or d.text_width_mm(text, size) <= room:
        return text
    lines = len(tf._greedy(text, room, size))
    if lines <= 1:
        return text
    limit = d.text_width_mm(text, size) / lines
    while limit < room:
        even = tf._greedy(text, limit, size)
        if len(even) <= lines and min(len(line) for line in even) > 1:
            return "\n".join(even)
        limit += 0.25
    return "\n".join(tf._greedy(text, room, size))


@given(TEXT, hs.floats(min_value=5, max_value=60), hs.sampled_from([9, 10.5, 12, 16]))
def test_balance_skips_only_widths_that_wrap_the_same(text, width, size):
    assert tf.balance(text, width, size) == stepped_balance(text, width, size)
