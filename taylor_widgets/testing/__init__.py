"""Helpers to drive the widgets in a real browser, shared by tests/browser/ and benchmarks/.

Not imported by `taylor_widgets` itself; `hosts` needs the `test` extra (Playwright, JupyterLab).
"""
