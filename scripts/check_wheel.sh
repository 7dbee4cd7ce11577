#!/usr/bin/env bash
# The installable package, checked as a user would get it (`make check-wheel`; CI runs it):
# build kamdesk's wheel, install it with its dependencies (versions from constraints.txt) into
# a throwaway venv, and from outside the checkout load the demo and print a brief, with the
# resources found inside the installed package (not in this checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
HERE=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kamdesk-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export PIP_CONSTRAINT="$HERE/constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1

echo "check-wheel: building the wheel"
.venv/bin/python -m pip wheel -q --no-deps -w "$WORK/dist" .
wheel=$(ls "$WORK"/dist/kamdesk-*.whl)
.venv/bin/python - "$wheel" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for needed in ("kamdesk/resources/demo/portfolio.json", "kamdesk/resources/templates/brief.html.j2",
               "kamdesk/resources/fonts/DejaVuSansCondensed.ttf", "kamdesk/migrations/env.py",
               "kamdesk/migrations/script.py.mako"):
    if needed not in names:
        sys.exit(f"check-wheel: {needed} is not in {sys.argv[1]}")
print(f"check-wheel: {len(names)} files in the wheel, resources and migrations among them")
EOF

echo "check-wheel: installing it into a throwaway venv"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "$wheel"

cd "$WORK"  # away from the checkout: nothing of it may be found
"$WORK/venv/bin/python" -c '
import sys
from kamdesk.core import resources
root = resources.root()
print("check-wheel: resources at", root)
sys.exit(0 if str(root).startswith(sys.prefix) else "check-wheel: resources not from the wheel")
'
"$WORK/venv/bin/kamdesk" --db "$WORK/demo.db" demo
"$WORK/venv/bin/kamdesk" --db "$WORK/demo.db" brief pomorze-tender-2027 -o "$WORK/brief.pdf"
# read back with the checkout's test tools (pypdf)
"$HERE/.venv/bin/python" - "$WORK/brief.pdf" <<'EOF'
import sys
import pypdf
reader = pypdf.PdfReader(sys.argv[1])
text = " ".join(page.extract_text() for page in reader.pages)
if "Pomorska Grupa Szpitalna" not in text:
    sys.exit(f"check-wheel: {sys.argv[1]} does not read as the demo's brief")
print(f"check-wheel: a {len(reader.pages)}-page brief printed from the installed wheel")
EOF
echo "check-wheel: ok"
