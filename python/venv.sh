# Sourced by python/build-wheel.sh, tests/python/run.sh and examples/python/run.sh.
#
# make_venv DIR: a fresh virtualenv at DIR for $PYTHON (default python3). Debian ships `venv`
# apart from python3 (python3-venv), so on a bare machine it is installed with apt-get when we
# are root, and virtualenv from PyPI is the last resort.
make_venv() {
    local dir=$1 py=${PYTHON:-python3} version
    rm -rf "$dir"
    if "$py" -m venv "$dir" >/dev/null 2>&1; then
        return 0
    fi
    rm -rf "$dir"
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        version=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        echo "make_venv: installing python$version-venv with apt-get" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$version-venv" >&2 \
            || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2 || true
        if "$py" -m venv "$dir" >/dev/null 2>&1; then
            return 0
        fi
        rm -rf "$dir"
    fi
    echo "make_venv: falling back to virtualenv from PyPI" >&2
    "$py" -m pip install --quiet --user virtualenv >&2 \
        || "$py" -m pip install --quiet --user --break-system-packages virtualenv >&2
    "$py" -m virtualenv --quiet "$dir" >&2
}
