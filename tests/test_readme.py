"""The README stays true: its settings table lists every setting, and CI runs its test command."""

from pipelines.settings import Settings
from tests.conftest import REPO


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    for name, _ in Settings.documented():
        assert f"| `{name}` |" in readme, name


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "./scripts/test.sh" in readme
    assert "scripts/test.sh" in ci.splitlines()[-1]
