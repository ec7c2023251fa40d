# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts: messages, the cache directory, the repository root.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KMOD_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmod-rs}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root (sudo when not root already).
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
