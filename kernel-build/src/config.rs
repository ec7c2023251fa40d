//! The kernel's `.config`, and the `cfg`s Rust code sees from it.

use std::collections::BTreeMap;

/// The options of a kernel `.config`, by name (`CONFIG_` prefix kept).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `y`, `m`, a number or a quoted string; `None` for `# CONFIG_X is not set`.
    pub options: BTreeMap<String, Option<String>>,
}

impl Config {
    /// Parses the text of a `.config`.
    ///
    /// ```
    /// let config = kernel_build::Config::parse("CONFIG_MODULES=y\n# CONFIG_KASAN is not set\n");
    /// assert!(config.enabled("CONFIG_MODULES"));
    /// assert!(!config.enabled("CONFIG_KASAN"));
    /// ```
    pub fn parse(text: &str) -> Config {
        let mut options = BTreeMap::new();
        for line in text.lines().map(str::trim) {
            if let Some(name) = line.strip_prefix("# ").and_then(|l| l.strip_suffix(" is not set")) {
                options.insert(name.to_string(), None);
            } else if let Some((name, value)) = line.split_once('=') {
                if name.starts_with("CONFIG_") {
                    options.insert(name.to_string(), Some(value.to_string()));
                }
            }
        }
        Config { options }
    }

    /// The value of an option, without quotes; `None` when unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        let value = self.options.get(name)?.as_deref()?;
        Some(value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value))
    }

    /// Whether an option is `y` (built in).
    pub fn enabled(&self, name: &str) -> bool {
        self.get(name) == Some("y")
    }

    /// The `cfg`s for Rust code, as upstream's `rustc_cfg`: `CONFIG_X` for `y`,
    /// `CONFIG_X_MODULE` for `m`. Numbers and strings are left to constants.
    pub fn cfgs(&self) -> Vec<String> {
        let mut cfgs = Vec::new();
        for (name, value) in &self.options {
            match value.as_deref() {
                Some("y") => cfgs.push(name.clone()),
                Some("m") => cfgs.push(format!("{name}_MODULE")),
                _ => {}
            }
        }
        cfgs
    }

    /// Every name a `cfg` could take on this kernel (set or not), for `rustc-check-cfg`.
    pub fn cfg_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for name in self.options.keys() {
            names.push(name.clone());
            names.push(format!("{name}_MODULE"));
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
#
# Automatically generated file; DO NOT EDIT.
CONFIG_CC_VERSION_TEXT=\"gcc-12 (Debian 12.2.0-14) 12.2.0\"
CONFIG_X86_KERNEL_IBT=y
CONFIG_FUNCTION_PADDING_BYTES=16
CONFIG_EXT4_FS=m
# CONFIG_KASAN is not set
";

    #[test]
    fn values_and_unset_options() {
        let config = Config::parse(SAMPLE);
        assert_eq!(config.get("CONFIG_CC_VERSION_TEXT"), Some("gcc-12 (Debian 12.2.0-14) 12.2.0"));
        assert_eq!(config.get("CONFIG_FUNCTION_PADDING_BYTES"), Some("16"));
        assert_eq!(config.get("CONFIG_KASAN"), None);
        assert!(config.options.contains_key("CONFIG_KASAN"));
        assert!(config.enabled("CONFIG_X86_KERNEL_IBT"));
        assert!(!config.enabled("CONFIG_EXT4_FS"));
    }

    #[test]
    fn cfgs_follow_rustc_cfg() {
        let config = Config::parse(SAMPLE);
        assert_eq!(config.cfgs(), ["CONFIG_EXT4_FS_MODULE", "CONFIG_X86_KERNEL_IBT"]);
        let names = config.cfg_names();
        assert!(names.contains(&"CONFIG_KASAN".to_string()));
        assert!(names.contains(&"CONFIG_KASAN_MODULE".to_string()));
    }
}
