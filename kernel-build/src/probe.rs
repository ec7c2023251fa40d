//! Asking Kbuild how it compiles a module of this kernel.

use crate::{flags, kdir::kdir, Config, Error, Result, Version};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The probe: a one-target external module whose recipe prints what Kbuild would use to compile
/// a C file of a module (`part-of-module` adds `-DMODULE` and the module-only flags).
const PROBE_KBUILD: &str = "\
always-y := c_flags
$(obj)/c_flags: part-of-module := y
$(obj)/c_flags: FORCE
\t@printf '%s\\n' $(c_flags) > $@
\t@printf '%s\\n' '$(strip $(CC))' '$(KERNELRELEASE)' '$(strip $(AR))' > $(obj)/toolchain
";

/// The architectures modules are built for: Kbuild's `ARCH`, the `.config` option that says
/// it, and the GNU triplet (Debian's cross toolchains' prefix, clang's target).
const ARCHES: &[(&str, &str, &str)] =
    &[("x86", "CONFIG_X86_64", "x86_64-linux-gnu"), ("arm64", "CONFIG_ARM64", "aarch64-linux-gnu")];

/// A configured kernel build tree and how Kbuild compiles C for its modules.
#[derive(Clone, Debug)]
pub struct Kernel {
    /// The build tree (`KDIR`, Kbuild's `objtree`), canonical.
    pub kdir: PathBuf,
    /// `KERNELRELEASE`, e.g. `6.1.0-56-amd64`.
    pub release: String,
    /// The kernel's version, from the release.
    pub version: Version,
    /// The C compiler the kernel was built with, e.g. `gcc-12` (`aarch64-linux-gnu-gcc-12` when
    /// cross-building).
    pub cc: String,
    /// Kbuild's archiver for the kernel's objects, e.g. `ar` (`aarch64-linux-gnu-ar`).
    pub ar: String,
    /// The kernel's architecture as Kbuild's `ARCH` names it: `x86` or `arm64`.
    pub arch: &'static str,
    /// Its GNU triplet, e.g. `x86_64-linux-gnu`: clang's target for bindgen.
    pub triplet: &'static str,
    /// Kbuild's `$(c_flags)` for a module object, made usable outside Kbuild (see [`flags::gcc_args`]).
    pub c_flags: Vec<String>,
    /// The kernel's `.config`.
    pub config: Config,
}

impl Kernel {
    /// Finds the tree ([`crate::kdir`]) and probes it, working in `out_dir`.
    pub fn locate(out_dir: &Path) -> Result<Kernel> {
        Kernel::probe(&kdir()?, out_dir)
    }

    /// Runs the Kbuild probe on `kdir` in a fresh directory under `out_dir`.
    ///
    /// The environment is cleared (but for `PATH` and `HOME`) so that a probe started by cargo
    /// from inside a Kbuild run sees the same tree as one started by hand. A kernel of another
    /// architecture than the host's is cross-built as Debian documents it: `ARCH=` from its
    /// `.config` and `CROSS_COMPILE=` from the environment, else its Debian triplet
    /// (`aarch64-linux-gnu-`).
    pub fn probe(kdir: &Path, out_dir: &Path) -> Result<Kernel> {
        let config_text = fs::read_to_string(kdir.join(".config"))
            .map_err(|e| Error(format!("reading {}/.config: {e}", kdir.display())))?;
        let config = Config::parse(&config_text);
        let (arch, triplet) = arch_of(&config, kdir)?;
        let dir = out_dir.join("kbuild-probe");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| Error(format!("creating {}: {e}", dir.display())))?;
        fs::write(dir.join("Kbuild"), PROBE_KBUILD)
            .map_err(|e| Error(format!("writing the Kbuild probe: {e}")))?;

        let mut make = Command::new("make");
        make.env_clear()
            .envs(["PATH", "HOME"].iter().filter_map(|k| Some((k, std::env::var_os(k)?))))
            .env("LC_ALL", "C")
            .arg("-s")
            .arg("-C")
            .arg(kdir)
            .arg(format!("M={}", dir.display()))
            // The probe builds no .ko; BTF generation would only ask for pahole.
            .arg("CONFIG_DEBUG_INFO_BTF_MODULES=");
        let cross = std::env::var("CROSS_COMPILE").ok().filter(|c| !c.is_empty());
        if !triplet.starts_with(std::env::consts::ARCH) {
            make.arg(format!("ARCH={arch}"));
            make.arg(format!("CROSS_COMPILE={}", cross.unwrap_or_else(|| format!("{triplet}-"))));
        } else if let Some(cross) = cross {
            make.arg(format!("CROSS_COMPILE={cross}"));
        }
        let output = make.output().map_err(|e| {
            Error(format!(
                "running make for the Kbuild probe: {e}; install make (Debian: `apt install make`)"
            ))
        })?;
        let c_flags = fs::read_to_string(dir.join("c_flags"));
        let toolchain = fs::read_to_string(dir.join("toolchain"));
        let (Ok(c_flags), Ok(toolchain)) = (c_flags, toolchain) else {
            return Err(Error(format!(
                "the Kbuild probe `make -C {} M={}` failed:\n{}{}\nIs {0} a complete kernel build tree, \
                 and is its compiler installed (Debian's kernels need gcc-12; cross-building for \
                 arm64, gcc-12-aarch64-linux-gnu and binutils-aarch64-linux-gnu)?",
                kdir.display(),
                dir.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )));
        };
        let mut toolchain = toolchain.lines();
        let cc = toolchain.next().unwrap_or_default().to_string();
        let release = toolchain.next().unwrap_or_default().to_string();
        let ar = toolchain.next().unwrap_or("ar").to_string();
        let version = Version::from_release(&release).ok_or_else(|| {
            Error(format!("cannot read a version from KERNELRELEASE `{release}` of {}", kdir.display()))
        })?;
        let compiler = cc.split_whitespace().last().unwrap_or_default();
        if which(compiler).is_none() {
            return Err(Error(format!(
                "the kernel in {} was built with `{cc}`, which is not installed; install it \
                 (Debian: `apt install {}`)",
                kdir.display(),
                debian_package(compiler)
            )));
        }
        Ok(Kernel {
            kdir: kdir.to_path_buf(),
            release,
            version,
            cc,
            ar,
            arch,
            triplet,
            c_flags: flags::gcc_args(c_flags.lines().map(String::from), kdir),
            config,
        })
    }

    /// Saves what the probe found in `out_dir` and hands its path to the build scripts of
    /// dependent crates as `DEP_KERNEL_PROBE` (the crate calling this declares `links = "kernel"`).
    pub fn export(&self, out_dir: &Path) -> Result<()> {
        let path = out_dir.join("kernel-probe");
        let mut text = format!("{}\n{}\n{}\n{}\n", self.kdir.display(), self.cc, self.release, self.ar);
        for flag in &self.c_flags {
            text.push_str(flag);
            text.push('\n');
        }
        fs::write(&path, text).map_err(|e| Error(format!("writing {}: {e}", path.display())))?;
        println!("cargo::metadata=probe={}", path.display());
        Ok(())
    }

    /// The kernel that `kernel-sys` probed, for the build script of a crate depending on it.
    pub fn from_dependency() -> Result<Kernel> {
        let path = std::env::var_os("DEP_KERNEL_PROBE")
            .ok_or_else(|| Error("DEP_KERNEL_PROBE is not set: depend on kernel-sys".into()))?;
        let text = fs::read_to_string(&path).map_err(|e| Error(format!("reading {path:?}: {e}")))?;
        let mut lines = text.lines();
        let (Some(kdir), Some(cc), Some(release), Some(ar)) =
            (lines.next(), lines.next(), lines.next(), lines.next())
        else {
            return Err(Error(format!("{path:?} is truncated")));
        };
        let kdir = PathBuf::from(kdir);
        let config_text = fs::read_to_string(kdir.join(".config"))
            .map_err(|e| Error(format!("reading {}/.config: {e}", kdir.display())))?;
        let config = Config::parse(&config_text);
        let (arch, triplet) = arch_of(&config, &kdir)?;
        Ok(Kernel {
            version: Version::from_release(release).ok_or_else(|| Error(format!("bad release {release}")))?,
            release: release.into(),
            cc: cc.into(),
            ar: ar.into(),
            arch,
            triplet,
            c_flags: lines.map(String::from).collect(),
            config,
            kdir,
        })
    }

    /// The arguments for libclang, see [`flags::clang_args`].
    pub fn clang_args(&self) -> Vec<String> {
        flags::clang_args(&self.c_flags, self.triplet)
    }

    /// Tells cargo to rerun the build script when the tree or its configuration changes.
    pub fn rerun_if_changed(&self) {
        println!("cargo::rerun-if-env-changed=KDIR");
        for file in [".config", "Makefile", "Module.symvers", "include/generated/utsrelease.h"] {
            println!("cargo::rerun-if-changed={}", self.kdir.join(file).display());
        }
    }

    /// Whether `header` (e.g. `linux/device/faux.h`) is in an include directory of a module's C
    /// flags: for the parts of an API whose subsystem a kernel may not have (what its headers
    /// declare, not its version, decides).
    pub fn has_header(&self, header: &str) -> bool {
        let mut args = self.c_flags.iter().map(String::as_str);
        while let Some(arg) = args.next() {
            let dir = match arg.strip_prefix("-I") {
                Some("") => args.next(),
                dir => dir,
            };
            if dir.is_some_and(|dir| Path::new(dir).join(header).is_file()) {
                return true;
            }
        }
        false
    }

    /// Emits the `cfg`s of this kernel for the crate being built: its `CONFIG_*` options and
    /// `kernel_version_at_least = "X.Y"` for every version up to its own, with their check-cfgs.
    ///
    /// `also_known` are option names the crate tests that this kernel may lack entirely (a
    /// `.config` lists only the options its Kconfig has): they are declared too, so that
    /// `cfg(not(CONFIG_X))` compiles without warnings everywhere.
    pub fn emit_cfgs(&self, also_known: &[String]) {
        let mut names = self.config.cfg_names();
        names.extend(also_known.iter().flat_map(|n| [n.clone(), format!("{n}_MODULE")]));
        names.sort();
        names.dedup();
        for chunk in names.chunks(512) {
            println!("cargo::rustc-check-cfg=cfg({})", chunk.join(","));
        }
        for cfg in self.config.cfgs() {
            println!("cargo::rustc-cfg={cfg}");
        }
        println!("cargo::rustc-check-cfg=cfg(kernel_version_at_least, values(any()))");
        for version in self.version.at_least() {
            println!("cargo::rustc-cfg=kernel_version_at_least=\"{version}\"");
        }
    }

    /// The `CONFIG_*` names mentioned in the Rust sources under `dir`, for
    /// [`Kernel::emit_cfgs`]; tells cargo to rerun the build script when they change.
    pub fn config_names_in(dir: &Path) -> Vec<String> {
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut names = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = fs::read_to_string(&path).unwrap_or_default();
                    names.extend(config_words(&text));
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

/// The kernel's architecture (Kbuild's `ARCH`) and GNU triplet, from its `.config`.
fn arch_of(config: &Config, kdir: &Path) -> Result<(&'static str, &'static str)> {
    ARCHES
        .iter()
        .find(|(_, option, ..)| config.enabled(option))
        .map(|(arch, _, triplet)| (*arch, *triplet))
        .ok_or_else(|| {
            Error(format!(
                "{}/.config is for neither x86_64 (CONFIG_X86_64) nor arm64 (CONFIG_ARM64), the \
                 architectures kmod-rs builds modules for",
                kdir.display()
            ))
        })
}

/// The Debian package of a compiler: `gcc-12`, or `gcc-12-aarch64-linux-gnu` for
/// `aarch64-linux-gnu-gcc-12`.
fn debian_package(compiler: &str) -> String {
    match compiler.rsplit_once("gcc-") {
        Some(("", version)) => format!("gcc-{version}"),
        Some((prefix, version)) => format!("gcc-{version}-{}", prefix.trim_end_matches('-')),
        None => "gcc".into(),
    }
}

/// The words `CONFIG_[A-Z0-9_]+` of a text.
fn config_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.match_indices("CONFIG_").filter_map(move |(start, _)| {
        let word: String = text[start..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        (word.len() > "CONFIG_".len()
            && !text[..start].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(word)
    })
}

#[cfg(test)]
mod tests {
    use super::{config_words, debian_package};

    #[test]
    fn compiler_packages() {
        assert_eq!(debian_package("gcc-12"), "gcc-12");
        assert_eq!(debian_package("aarch64-linux-gnu-gcc-12"), "gcc-12-aarch64-linux-gnu");
        assert_eq!(debian_package("cc"), "gcc");
    }

    #[test]
    fn finds_config_words() {
        let text = "#[cfg(CONFIG_COMPAT)] x; cfg(not(CONFIG_X86_KERNEL_IBT_MODULE)) MY_CONFIG_NO CONFIG_";
        let words: Vec<_> = config_words(text).collect();
        assert_eq!(words, ["CONFIG_COMPAT", "CONFIG_X86_KERNEL_IBT_MODULE"]);
    }
}

fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Path::new(program).is_file().then(|| program.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| p.is_file())
}
