#!/usr/bin/env bash
# Every supported Python runs the course: for each minor version in pyproject.toml's requires-python
# (3.11 to 3.13 today), make a fresh environment the way `make lab` does (the student lock), add the
# grading tools (nbgrader, pytest, at the dev lock's pins), then run lesson 00 top to bottom in a kernel
# of that Python and grade one notebook (tests/test_python_version.py). Run by .ci/run before the suite.
#
#   tools/python_versions.sh            every supported version; one that cannot be found fails
#   PYTHONS="/usr/bin/python3.12" tools/python_versions.sh     just these interpreters
#
# Interpreters are looked up as python3.X on PATH, then under pyenv's versions/ folder.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${PYTHON_VERSIONS_DIR:-$(mktemp -d /tmp/backprop-pythons.XXXXXX)}

supported_minors() {  # "3.11 3.12 3.13" from requires-python = ">=3.11.5,<3.14"
  local spec low high
  spec=$(sed -n 's/^requires-python *= *"\(.*\)"/\1/p' pyproject.toml)
  low=$(echo "$spec" | sed -n 's/.*>= *3\.\([0-9]*\).*/\1/p')
  high=$(echo "$spec" | sed -n 's/.*< *3\.\([0-9]*\).*/\1/p')
  for ((m = low; m < high; m++)); do echo "3.$m"; done
}

find_python() {  # the newest python3.X we can find, or nothing
  local minor=$1 root
  if command -v "python$minor" >/dev/null 2>&1 && "python$minor" tools/check_python.py 2>/dev/null; then
    command -v "python$minor"; return
  fi
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for candidate in $(ls -d "$root"/versions/"$minor".*/bin/"python$minor" 2>/dev/null | sort -V -r); do
    if "$candidate" tools/check_python.py 2>/dev/null; then echo "$candidate"; return; fi
  done
}

if [ -n "${PYTHONS:-}" ]; then
  read -r -a interpreters <<< "$PYTHONS"
else
  interpreters=()
  for minor in $(supported_minors); do
    found=$(find_python "$minor")
    if [ -z "$found" ]; then
      echo "python_versions: no Python $minor here (python$minor on PATH, or under pyenv's versions/)." >&2
      echo "Install it, or name the interpreters to test: PYTHONS=\"/path/to/python3.X ...\" $0" >&2
      exit 1
    fi
    interpreters+=("$found")
  done
fi

for python in "${interpreters[@]}"; do
  version=$("$python" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')
  venv="$WORK/venv-$version"
  echo "=== Python $version ($python): setting up $venv as make lab does"
  start=$SECONDS
  make --no-print-directory setup VENV="$venv" PYTHON="$python" PIP_SHOWN="$venv/bin/python -m pip install --quiet --disable-pip-version-check"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check nbgrader pytest -c constraints.txt
  echo "=== Python $version: set up in $((SECONDS - start)) s; lesson 00 in a kernel, one notebook graded"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_python_version.py
done
[ -n "${PYTHON_VERSIONS_DIR:-}" ] || rm -rf "$WORK"
