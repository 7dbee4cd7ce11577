#!/usr/bin/env bash
# Makes this checkout ready to run and test kamdesk, doing only what is missing:
#
# 1. System libraries and tools. What is missing is decided by what the programs need, not by
#    package names (those differ between releases: libglib2.0-0 on Debian 12 is libglib2.0-0t64
#    on Debian 13 and Ubuntu 24.04): shared libraries are looked up with `ldconfig -p`, tools
#    with `command -v`, the venv module with Python itself. Only when something is missing is
#    a package name chosen for this release and apt-get run (apt-get update first, once):
#    directly as root, through sudo when that exists, otherwise a message lists what to
#    install. Required: what WeasyPrint and Qt (offscreen) need, and Python's venv module;
#    wanted: what a real window under X11/Xvfb, `xvfb-run`, `pdftoppm` and the shifted-clock
#    test run (`faketime`) need; without those it warns and goes on.
# 2. A virtual environment in .venv, rebuilt when it is broken (its python or pip does not
#    run) and repaired when packages in it are missing or a stamp (Python version, pyproject,
#    constraints) differs: kamdesk (editable) with its test extra, every version pinned by
#    constraints.txt (`make constraints` refreshes it). pip's own errors are shown.
#
# Environment: PYTHON (default python3), KAMDESK_SETUP_APT=no (never run apt-get: only say).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
CONSTRAINTS=constraints.txt
say() { echo "setup: $*"; }
warn() { echo "setup: $*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  warn "no $PYTHON found: install Python 3.11 or later (Debian/Ubuntu: apt-get install python3)."
  exit 1
fi
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  warn "kamdesk needs Python 3.11 or later; $PYTHON is $PYVER."
  exit 1
fi

# --- 1. system libraries and tools -------------------------------------------------------------

# The release decides a few package names: the 64-bit time_t transition (Debian 13, Ubuntu
# 24.04 and later) renamed some libraries' packages with a "t64" suffix.
OS_ID="" OS_LIKE="" OS_VERSION=""
if [[ -r /etc/os-release ]]; then
  OS_ID=$(. /etc/os-release && echo "${ID:-}")
  OS_LIKE=$(. /etc/os-release && echo "${ID_LIKE:-}")
  OS_VERSION=$(. /etc/os-release && echo "${VERSION_ID:-}")
fi
t64=""
case "$OS_ID" in
  debian) [[ -z "$OS_VERSION" || ${OS_VERSION%%.*} -ge 13 ]] && t64=t64 ;;  # testing has none
  ubuntu) [[ ${OS_VERSION%%.*} -ge 24 ]] && t64=t64 ;;
  *) [[ " $OS_LIKE " == *" ubuntu "* || " $OS_LIKE " == *" debian "* ]] && t64=probe ;;
esac

# a missing library or tool -> its package on this release
package_for() {
  case "$1" in
    libglib-2.0.so.0 | libgobject-2.0.so.0 | libgthread-2.0.so.0) glib_package ;;
    libpango-1.0.so.0) echo libpango-1.0-0 ;;
    libpangoft2-1.0.so.0) echo libpangoft2-1.0-0 ;;
    libharfbuzz.so.0) echo libharfbuzz0b ;;
    libharfbuzz-subset.so.0) echo libharfbuzz-subset0 ;;
    libfontconfig.so.1) echo libfontconfig1 ;;
    libfreetype.so.6) echo libfreetype6 ;;
    libEGL.so.1) echo libegl1 ;;
    libGL.so.1) echo libgl1 ;;
    libdbus-1.so.3) echo libdbus-1-3 ;;
    libxkbcommon.so.0) echo libxkbcommon0 ;;
    libxkbcommon-x11.so.0) echo libxkbcommon-x11-0 ;;
    libX11-xcb.so.1) echo libx11-xcb1 ;;
    libxcb-cursor.so.0) echo libxcb-cursor0 ;;
    libxcb-icccm.so.4) echo libxcb-icccm4 ;;
    libxcb-keysyms.so.1) echo libxcb-keysyms1 ;;
    libxcb-shape.so.0) echo libxcb-shape0 ;;
    libxcb-randr.so.0) echo libxcb-randr0 ;;
    libxcb-render-util.so.0) echo libxcb-render-util0 ;;
    libxcb-image.so.0) echo libxcb-image0 ;;
    libxcb-xkb.so.1) echo libxcb-xkb1 ;;
    font:DejaVuSans.ttf) echo fonts-dejavu-core ;;
    venv) echo "python$PYVER-venv" ;;
    Xvfb | xvfb-run) echo xvfb ;;
    xauth) echo xauth ;;
    pdftoppm) echo poppler-utils ;;
    faketime) echo faketime ;;
    *) return 1 ;;
  esac
}

glib_package() {
  if [[ "$t64" == probe ]] && command -v apt-cache >/dev/null 2>&1; then
    # a derivative of unknown age: ask its archive which name it has
    if apt-cache show libglib2.0-0t64 >/dev/null 2>&1; then echo libglib2.0-0t64; else echo libglib2.0-0; fi
  elif [[ "$t64" == t64 ]]; then
    echo libglib2.0-0t64
  else
    echo libglib2.0-0
  fi
}

# WeasyPrint (Pango, HarfBuzz and its subsetter: without it PDF writing is ~2x slower) and Qt's
# offscreen platform (EGL/GL, fontconfig, GLib, D-Bus, xkbcommon).
REQUIRED_LIBS=(
  libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0
  libfontconfig.so.1 libfreetype.so.6 libglib-2.0.so.0 libgobject-2.0.so.0 libgthread-2.0.so.0
  libEGL.so.1 libGL.so.1 libdbus-1.so.3 libxkbcommon.so.0
)
# Qt's xcb platform: a real window on X11 or Xvfb.
WANTED_LIBS=(
  libxkbcommon-x11.so.0 libX11-xcb.so.1 libxcb-cursor.so.0 libxcb-icccm.so.4
  libxcb-keysyms.so.1 libxcb-shape.so.0 libxcb-randr.so.0 libxcb-render-util.so.0
  libxcb-image.so.0 libxcb-xkb.so.1
)
WANTED_TOOLS=(Xvfb xvfb-run xauth pdftoppm faketime)

have_lib() { [[ "$LIBS" == *" $1 "* ]]; }
LIBS=" "
if [[ -x /sbin/ldconfig ]] || command -v ldconfig >/dev/null 2>&1; then
  LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
  # "libfoo.so.1 (libc6,x86-64) => /lib/..." -> " libfoo.so.1 "
  LIBS=" $("$LDCONFIG" -p | awk 'NR > 1 {print $1}' | tr '\n' ' ') "
else
  warn "cannot list the shared libraries (no ldconfig); assuming they are present."
fi

missing_required=() missing_wanted=()
if [[ "$LIBS" != " " ]]; then
  for lib in "${REQUIRED_LIBS[@]}"; do have_lib "$lib" || missing_required+=("$lib"); done
  for lib in "${WANTED_LIBS[@]}"; do have_lib "$lib" || missing_wanted+=("$lib"); done
fi
# any DejaVu Sans will do (fontconfig finds it); the PDFs embed their own fonts otherwise
if ! compgen -G "/usr/share/fonts/*/*/DejaVuSans.ttf" >/dev/null \
  && ! compgen -G "/usr/share/fonts/*/DejaVuSans.ttf" >/dev/null; then
  missing_required+=(font:DejaVuSans.ttf)
fi
# Debian and Ubuntu ship Python's venv module (with ensurepip) apart from python3
"$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing_required+=(venv)
for tool in "${WANTED_TOOLS[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing_wanted+=("$tool"); done

missing=("${missing_required[@]}" "${missing_wanted[@]}")
if ((${#missing[@]})); then
  packages=()
  for item in "${missing[@]}"; do
    pkg=$(package_for "$item") || continue
    [[ " ${packages[*]} " == *" $pkg "* ]] || packages+=("$pkg")
  done
  say "missing: ${missing[*]}"
  SUDO=() can_install=yes
  if [[ "${KAMDESK_SETUP_APT:-yes}" == no ]] || ! command -v apt-get >/dev/null 2>&1; then
    can_install=no
  elif [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else can_install=no; fi
  fi
  if [[ $can_install == yes ]]; then
    say "installing: ${packages[*]}"
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
      "${packages[@]}" >/dev/null
  else
    if command -v apt-get >/dev/null 2>&1; then
      how="sudo apt-get install ${packages[*]}  (as root: apt-get install ...)"
    else
      how="your system's packages providing: ${missing[*]}"
    fi
    if ((${#missing_required[@]})); then
      warn "kamdesk cannot run without: ${missing_required[*]}."
      warn "Ask an administrator to install them: $how"
      exit 1
    fi
    warn "optional, not installed (no root and no sudo): ${missing_wanted[*]}; a real window"
    warn "  under X11/Xvfb, xvfb-run, pdftoppm or faketime may not work. To add them: $how"
  fi
fi

# --- 2. the virtual environment -----------------------------------------------------------------

venv_runs() { "$VENV/bin/python" -m pip --version >/dev/null 2>&1; }
venv_version() { "$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
if [[ -e "$VENV" ]] && ! venv_runs; then
  say "$VENV is broken (its python or pip does not run): rebuilding it"
  rm -rf "$VENV"
elif [[ -e "$VENV" && "$(venv_version)" != "$PYVER" ]]; then
  say "$VENV is Python $(venv_version), $PYTHON is $PYVER: rebuilding it"
  rm -rf "$VENV"
fi
if [[ ! -e "$VENV" ]]; then
  say "creating $VENV (Python $PYVER)"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"  # never leave a half-made one behind for the next run to trip on
    warn "could not create $VENV with $PYTHON."
    exit 1
  fi
fi

# What the installed environment was made from; a difference means install again.
want_stamp=$(
  {
    "$VENV/bin/python" -c 'import sys; print(sys.version)'
    cat pyproject.toml "$CONSTRAINTS"
  } | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
)
stamp="$VENV/.kamdesk-installed"
# Packages deleted or half-removed since: files missing from what a package installed
# (scripts/venv_check.py, ~0.7 s), pip's own check of every requirement (~0.5 s) and an import
# of the command line with the storage its commands open (kamdesk.cli alone loads no library
# before a command runs).
BROKEN=()
incomplete() {
  local problems
  if ! problems=$("$VENV/bin/python" scripts/venv_check.py 2>&1); then
    echo "files missing from: ${problems//$'\n'/, }"
  elif ! problems=$("$VENV/bin/python" -m pip check --disable-pip-version-check 2>&1); then
    echo "${problems//$'\n'/; }"
  elif ! problems=$("$VENV/bin/python" -c 'import kamdesk.cli, kamdesk.core.storage.db' 2>&1); then
    echo "${problems##*$'\n'}"
  fi
}
reason=""
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want_stamp" ]]; then
  reason="installing kamdesk and its test tools into $VENV (versions from $CONSTRAINTS)"
else
  problems=$(incomplete)
  [[ -z "$problems" ]] || reason="$VENV is incomplete ($problems): repairing it"
fi
if [[ -n "$reason" ]]; then
  # installed on paper, files gone: pip reinstalls those only when told to
  mapfile -t BROKEN < <("$VENV/bin/python" scripts/venv_check.py 2>/dev/null | grep -vx "kamdesk" || true)
fi
if [[ -n "$reason" ]]; then
  say "$reason"
  rm -f "$stamp"
  pip=("$VENV/bin/python" -m pip --disable-pip-version-check)
  # PIP_CONSTRAINT also pins what builds kamdesk itself (setuptools, in pip's build env)
  export PIP_CONSTRAINT="$PWD/$CONSTRAINTS"
  "${pip[@]}" install -q --upgrade pip
  if [[ " ${BROKEN[*]} " == *" * "* ]]; then
    # a module is gone that no package claims any more: reinstall them all
    "${pip[@]}" install -q --force-reinstall -e '.[test]'
  elif ((${#BROKEN[@]})); then
    # by name: the version comes from the constraints (a venv's own pip or setuptools may differ)
    "${pip[@]}" install -q --force-reinstall --no-deps "${BROKEN[@]}"
  fi
  "${pip[@]}" install -q -e '.[test]'
  unset PIP_CONSTRAINT
  if ! "${pip[@]}" check || ! "$VENV/bin/python" scripts/venv_check.py >/dev/null; then
    warn "$VENV is still incomplete (above; scripts/venv_check.py lists packages missing files)."
    exit 1
  fi
  "$VENV/bin/python" -c "import kamdesk.cli, PySide6.QtWidgets, weasyprint, sqlmodel"
  # bytecode now, so the first start and the first test run do not compile it
  "$VENV/bin/python" -m compileall -q -j 0 kamdesk tests benchmarks >/dev/null
  echo "$want_stamp" >"$stamp"
  say "$VENV is ready"
fi
