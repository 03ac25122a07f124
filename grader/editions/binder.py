"""The mybinder.org link, and README badge, for a copy of the course on GitHub (an instructor's fork).

    python -m grader binder-link            # from this clone's `origin` remote and its default branch
    make binder-link REMOTE=upstream REF=spring-term

Standard library only, so it runs before any venv exists.
"""
import re
import subprocess
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_LESSON = "lessons/00_feedforward/00_feedforward.ipynb"  # what `make lab` opens too
BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"

_NAME = r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?"
_HOST = r"(?:www\.)?github\.com"
_GITHUB = [
    # https://github.com/o/r(.git), with user[:token]@ or a port; also http://, git://, ssh://git@github.com/o/r
    re.compile(rf"^(?:https?|git|ssh|git\+ssh)://(?:[^@/]+@)?{_HOST}(?::\d+)?/{_NAME}$", re.I),
    # scp-like: git@github.com:o/r.git
    re.compile(rf"^(?:[^@/:]+@)?{_HOST}:{_NAME}$", re.I),
]


class NotGitHub(ValueError):
    """The remote is not a GitHub repository (or there is no remote): the message says what to do."""


def _hide_credentials(url):
    return re.sub(r"//[^@/]+@", "//", url)


def github_repo(url):
    """(owner, repo) of a GitHub remote URL in any of git's forms; NotGitHub otherwise."""
    url = url.strip()
    for pattern in _GITHUB:
        match = pattern.match(url)
        if match and match["repo"] not in (".", ".."):
            return match["owner"], match["repo"]
    raise NotGitHub(f"{_hide_credentials(url)!r} is not a GitHub repository. This command knows GitHub only; "
                    "mybinder.org also builds GitLab and other git hosts (see mybinder.org's form), "
                    "or push your fork to GitHub first.")


def binder_url(owner, repo, ref="main", path=FIRST_LESSON):
    """The mybinder.org URL that builds owner/repo at ref and opens path in JupyterLab."""
    return (f"https://mybinder.org/v2/gh/{owner}/{repo}/{urllib.parse.quote(ref, safe='')}"
            f"?urlpath=lab/tree/{urllib.parse.quote(path)}")


def badge(url):
    """The README badge (Markdown) for a Binder URL."""
    return f"[![Binder]({BADGE_IMAGE})]({url})"


def _git(args, cwd):
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError:
        raise NotGitHub("git is not installed: install it, or build the link by hand from README.md's badge") from None
    return result.stdout.strip() if result.returncode == 0 else None


def remote_url(remote="origin", cwd=ROOT):
    url = _git(["remote", "get-url", remote], cwd)
    if not url:
        raise NotGitHub(f"this clone has no git remote {remote!r}: put your fork on GitHub and run "
                        f"`git remote add {remote} https://github.com/YOU/REPO.git` (or pass --remote NAME).")
    return url


def default_ref(remote="origin", cwd=ROOT):
    """The remote's default branch when git knows it, else the checked-out branch, else main."""
    head = _git(["symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD"], cwd)
    if head and head.startswith(f"{remote}/"):
        return head[len(remote) + 1:]
    branch = _git(["rev-parse", "--abbrev-ref", "HEAD"], cwd)
    return branch if branch and branch != "HEAD" else "main"


def describe(remote="origin", ref=None, cwd=ROOT):
    """The text `binder-link` prints."""
    owner, repo = github_repo(remote_url(remote, cwd))
    ref = ref or default_ref(remote, cwd)
    url = binder_url(owner, repo, ref)
    return (f"Binder for github.com/{owner}/{repo}, branch {ref}, opening {FIRST_LESSON} in JupyterLab:\n"
            f"  {url}\n"
            f"Badge for README.md (replace the one under the title):\n"
            f"  {badge(url)}\n"
            f"Binder builds what is on GitHub: push first. The first launch after a change builds the image\n"
            f"(several minutes); launch it once yourself before the class does.\n")
