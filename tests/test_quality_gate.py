"""The quality gate refuses invalid HTML and accessibility violations (Nu validator, axe-core in Chromium)."""

from __future__ import annotations

from cafetech_dev.quality import accessibility_problems, html_problems
from support import serve

BAD = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Une page</title></head>
<body><main><h1>Une page</h1><p><div>bloc dans un paragraphe</p><img src="x.png"></main></body></html>
"""


def test_invalid_html_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "bad.html").write_text(BAD, "utf-8")
    problems = html_problems(tmp_path)
    assert "bad.html:3: No \"p\" element in scope but a \"p\" end tag seen." in problems
    assert any(p.startswith("bad.html:3: An \"img\" element must have an \"alt\" attribute") for p in problems)


def test_accessibility_violations_are_reported(tmp_path, browser):
    (tmp_path / "index.html").write_text(BAD.replace('<html lang="fr">', "<html>"), "utf-8")
    server, base = serve(tmp_path)
    try:
        problems = accessibility_problems(base, ["/"], browser)
    finally:
        server.shutdown()
    rules = {problem.split(": ")[1].split(" ")[0] for problem in problems}
    assert {"html-has-lang", "image-alt"} <= rules
