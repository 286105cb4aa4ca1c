"""The user guide in docs/ and the README agree with the program: the generated
reference is current, the README links to every guide page, and the workflow's
comment points at a page that exists."""
from __future__ import annotations

import re

from conftest import ROOT

GUIDE = ["format.md", "forms.md", "automation.md", "troubleshooting.md"]


def test_generated_references_are_current():
    from report.readme import FILES, refreshed
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert refreshed(text) == text, f"{path.name} is stale: run python -m report.readme"


def test_readme_links_to_the_guide_and_not_to_missing_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in GUIDE:
        assert f"docs/{page}" in readme, page
    assert "FORMAT.md" not in readme          # the contract is in docs/, not in a folder users do not have


def test_local_links_in_the_docs_resolve():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            assert (page.parent / target).exists(), f"{page.name}: link to missing {target}"


def test_workflow_comment_points_at_the_automation_guide():
    workflow = (ROOT / ".github" / "workflows" / "briefing.yml").read_text(encoding="utf-8")
    assert "docs/automation.md" in workflow
    assert (ROOT / "docs" / "automation.md").is_file()


def test_the_briefings_the_guide_pictures_build(tmp_path):
    """Every briefing docs/img/render.sh pictures exists and builds."""
    from conftest import describe, run_report
    script = (ROOT / "docs" / "img" / "render.sh").read_text(encoding="utf-8")
    examples = sorted({ROOT / data for data in re.findall(r"^picture \S+ (\S+) \d+$", script, re.M)})
    assert examples and all(p.is_file() for p in examples), examples
    proc = run_report(*examples, "-o", tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert len(list(tmp_path.glob("*.pdf"))) == len(examples)


def test_every_picture_of_the_guide_exists_and_is_rendered_by_the_script():
    forms = (ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
    script = (ROOT / "docs" / "img" / "render.sh").read_text(encoding="utf-8")
    for name in re.findall(r"\]\(img/([\w-]+)\.png\)", forms):
        assert (ROOT / "docs" / "img" / f"{name}.png").is_file(), name
        assert f"picture {name} " in script, name
