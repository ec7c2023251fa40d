//! Finding the kernel build tree: `KDIR`, else the running kernel's.

use crate::{Error, Result};
use std::ffi::CStr;
use std::path::{Path, PathBuf};

/// The kernel build tree to compile against.
///
/// `KDIR` when set (it must hold a `.config`), else `/lib/modules/$(uname -r)/build`. The error
/// names the release, the path tried, the Debian package that provides it and `KDIR=`.
pub fn kdir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("KDIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return check_tree(&dir, "KDIR");
    }
    let release = running_release()?;
    let dir = Path::new("/lib/modules").join(&release).join("build");
    if dir.exists() {
        return check_tree(&dir, "the running kernel's build link");
    }
    Err(Error(format!(
        "no kernel build tree for the running kernel {release}: {} does not exist. \
         Install the headers (Debian: `apt install linux-headers-{release}`) or point KDIR= at a \
         configured kernel tree, e.g. KDIR=/lib/modules/<release>/build",
        dir.display()
    )))
}

/// The errors say what `kbuild/module-makefile.mk` says for a plain `make`, word for word.
fn check_tree(dir: &Path, what: &str) -> Result<PathBuf> {
    if !dir.exists() {
        return Err(Error(format!(
            "{what} {} does not exist; set KDIR= to a kernel build tree, e.g. \
             /lib/modules/<release>/build from linux-headers-<release>",
            dir.display()
        )));
    }
    let dir = dir
        .canonicalize()
        .map_err(|e| Error(format!("{what} {}: {e}; set KDIR= to a kernel build tree", dir.display())))?;
    if !dir.join(".config").is_file() || !dir.join("Makefile").is_file() {
        return Err(Error(format!(
            "{what} {} is not a configured kernel build tree (it needs .config and Makefile); \
             set KDIR= to one, e.g. /lib/modules/<release>/build from linux-headers-<release>",
            dir.display()
        )));
    }
    Ok(dir)
}

/// The release of the running kernel, as `uname -r` prints it.
pub fn running_release() -> Result<String> {
    // SAFETY: `utsname` is plain old data, for which all-zero bytes are a valid value.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `uts` is a valid, writable `utsname` for the duration of the call.
    if unsafe { libc::uname(&mut uts) } != 0 {
        return Err(Error(format!("uname failed: {}; set KDIR=", std::io::Error::last_os_error())));
    }
    // SAFETY: `uname` succeeded, so `release` holds a NUL-terminated string within the array.
    let release = unsafe { CStr::from_ptr(uts.release.as_ptr()) };
    Ok(release.to_string_lossy().into_owned())
}
