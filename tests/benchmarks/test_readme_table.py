"""The README-table writer: generated text goes between named markers, nothing else changes."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.readme_table import replace_section, write_section  # noqa: E402


def test_fills_a_placeholder_and_keeps_the_rest():
    doc = "intro\n\n<!-- audit -->\n\nafter\n"
    out = replace_section(doc, "audit", "| a |\n|---|\n")
    assert out == "intro\n\n<!-- audit -->\n| a |\n|---|\n<!-- /audit -->\n\nafter\n"


def test_replaces_a_previous_table_whole_and_is_idempotent():
    doc = "x\n<!-- t -->\nold 1\nold 2\n<!-- /t -->\ny\n"
    once = replace_section(doc, "t", "new")
    assert once == "x\n<!-- t -->\nnew\n<!-- /t -->\ny\n"
    assert replace_section(once, "t", "new") == once


def test_other_sections_are_untouched():
    doc = "<!-- a -->\nA\n<!-- /a -->\n<!-- b -->\nB\n<!-- /b -->\n"
    assert replace_section(doc, "b", "C") == "<!-- a -->\nA\n<!-- /a -->\n<!-- b -->\nC\n<!-- /b -->\n"


@pytest.mark.parametrize("doc", ["no marker here", "<!-- t -->\n<!-- t -->\n"])
def test_missing_or_repeated_marker_is_an_error(doc):
    with pytest.raises(ValueError, match="^document"):
        replace_section(doc, "t", "x")


def test_bad_name():
    with pytest.raises(ValueError, match="^name"):
        replace_section("<!--  -->", "", "x")


def test_write_section_rewrites_the_file(tmp_path):
    p = tmp_path / "README.md"
    p.write_text("a\n<!-- t -->\nb\n", encoding="utf-8")
    write_section(p, "t", "table")
    assert p.read_text(encoding="utf-8") == "a\n<!-- t -->\ntable\n<!-- /t -->\nb\n"
