"""Static pictures of the widgets' current views, drawn with matplotlib (issue 11 §2).

Each widget's `_snapshot_figure()` calls one of these; the widget base turns the figure into the
`image/png` of the display bundle, which hosts that cannot run widgets show (GitHub, an untrusted
notebook, `nbconvert --to markdown`). A picture uses the view's own colours (colors.py holds the
same colour stops as js/src/lib), its scale rules (scales.py: the diagonal mode, the bar scales)
and its layouts (layouts.py: the beeswarm and the seeded network layout, the same arithmetic as
the JS), so it shows what the live view shows. matplotlib is imported only when a picture is
drawn, and every figure is deterministic (fixed size, no timestamps).
"""
