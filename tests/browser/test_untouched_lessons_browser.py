"""Every released lesson, untouched, in real JupyterLab in Chromium: only the unwritten answers fail, and
every explorer still renders and responds (tests/browser/test_lessons_browser.py has the checks)."""
import pytest

import test_lessons_browser as lesson_pages
from coursekit.course import lessons

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson", lessons())
def test_untouched_lesson_in_jupyterlab(lesson, lab, page, artifacts):
    """Cells run one by one: the stubs raise where they are called, nothing else errs, explorers respond."""
    lesson_pages.check_lesson(lesson, "released", lab, page, artifacts)
