"""The monthly briefing: one A4 page for executives, from a certified snapshot, through disclosure control.

`figures` gathers what the page says (every figure through dashboards/privacy.py, as an
executive may see it), `outlook` the retention outlook per department, `levers` the
operator's texts for weak sub-scores, `story` and `texts` the sentences in both languages,
`charts` and `page` draw the PDF, `build` puts them together, `download` offers it on the
executive overview, and `alerts` applies the alert rules to the same figures. Nothing here
sends anything: the command line's `leerstroom briefing` and `leerstroom deliver` do.
"""

from leerstroom.errors import TerminalError


class BriefingError(TerminalError):
    """The briefing cannot be made as asked (a month not complete, a unit unknown or under k, a bad texts file)."""
