//! Kernel version numbers.

use std::fmt;

/// A kernel version, `major.minor.patch`, as in `LINUX_VERSION_CODE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// `6` in `6.12.95`.
    pub major: u32,
    /// `12` in `6.12.95`.
    pub minor: u32,
    /// `95` in `6.12.95`.
    pub patch: u32,
}

impl Version {
    /// Reads the leading `major.minor[.patch]` of a release string such as `6.1.0-56-amd64`.
    ///
    /// ```
    /// let v = kernel_build::Version::from_release("6.12.95+deb12-amd64").unwrap();
    /// assert_eq!((v.major, v.minor, v.patch), (6, 12, 95));
    /// ```
    pub fn from_release(release: &str) -> Option<Version> {
        let end = release.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(release.len());
        let mut parts = release[..end].split('.').map(str::parse::<u32>);
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let patch = parts.next().and_then(|p| p.ok()).unwrap_or(0);
        Some(Version { major, minor, patch })
    }

    /// Every `major.minor` from 5.0 up to this version: the values of the
    /// `kernel_version_at_least` cfg, so that `#[cfg(kernel_version_at_least = "6.2")]` holds on
    /// 6.2 and later.
    pub fn at_least(&self) -> Vec<String> {
        // Last minor release of each finished major series.
        let last_minor = |major| match major {
            5 => 19,
            _ => u32::MAX,
        };
        let mut out = Vec::new();
        for major in 5..=self.major {
            let top = if major == self.major { self.minor } else { last_minor(major) };
            out.extend((0..=top).map(|minor| format!("{major}.{minor}")));
        }
        out
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_debian_releases() {
        let v = Version::from_release("6.1.0-56-amd64").unwrap();
        assert_eq!(v, Version { major: 6, minor: 1, patch: 0 });
        let v = Version::from_release("6.12.95+deb12-rt-amd64").unwrap();
        assert_eq!(v.to_string(), "6.12.95");
        assert_eq!(Version::from_release("6.7"), Some(Version { major: 6, minor: 7, patch: 0 }));
        assert_eq!(Version::from_release("garbage"), None);
    }

    #[test]
    fn at_least_covers_every_minor_up_to_the_version() {
        let v = Version { major: 6, minor: 2, patch: 9 };
        let all = v.at_least();
        assert_eq!(all.first().map(String::as_str), Some("5.0"));
        assert!(all.contains(&"5.19".to_string()));
        assert!(!all.contains(&"5.20".to_string()));
        assert_eq!(&all[all.len() - 3..], ["6.0", "6.1", "6.2"]);
    }
}
