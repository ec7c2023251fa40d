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

# debian_apt DIST [ARCH]: a private apt state for a Debian distribution in the cache (its own
# sources, lists and no system status), in the array apt_opts. Only package metadata is read and
# packages downloaded, so the system's apt configuration is never touched. Run `apt-get
# "${apt_opts[@]}" update` before the first query. With ARCH (another architecture than the
# host's), packages are ARCH's by default and the host's are named PACKAGE:HOST_ARCH.
debian_apt() {
	local dist=$1 arch=${2:-} mirror=${KMOD_RS_DEBIAN_MIRROR:-http://deb.debian.org} state=$CACHE/apt/$1 s suites
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -z "$arch" ] || state=$state-$arch
	mkdir -p "$state/lists/partial"
	case $dist in
		bookworm | trixie) suites=("debian $dist" "debian $dist-updates" "debian-security $dist-security") ;;
		*) suites=("debian $dist") ;;
	esac
	for s in "${suites[@]}"; do
		echo "deb [signed-by=$keyring] $mirror/${s% *} ${s#* } main"
	done > "$state/sources.list"
	apt_opts=(-o "Dir::Etc::sourcelist=$state/sources.list" -o Dir::Etc::sourceparts=/dev/null
		-o "Dir::State::Lists=$state/lists" -o Dir::State::status=/dev/null
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root
		-o Acquire::Check-Valid-Until=false)
	if [ -n "$arch" ]; then
		apt_opts+=(-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
			-o "APT::Architectures::=$(dpkg --print-architecture)")
	fi
}

# Package queries and downloads through apt_opts (debian_apt).
depends() { apt-cache "${apt_opts[@]}" depends "$1" | awk '$1 ~ /Depends:$/ { print $2 }'; }
exists() { apt-cache "${apt_opts[@]}" show "$1" >/dev/null 2>&1; }
# download DIR PACKAGE...: downloads the packages into DIR/debs.
download() {
	local to=$1; shift
	mkdir -p "$to/debs"
	(cd "$to/debs" && apt-get "${apt_opts[@]}" -qq download "$@")
}
