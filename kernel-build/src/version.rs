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
    ///
    /// A finished major series counts up to its last minor (5.19, 6.19), a later one up to
    /// [`Version::MAX_MINOR`] (no series has come near it), so the list is bounded for any major.
    ///
    /// ```
    /// let v = kernel_build::Version::from_release("7.2.13+deb14-amd64").unwrap();
    /// let cfgs = v.at_least();
    /// assert!(cfgs.contains(&"6.19".to_string()) && cfgs.ends_with(&["7.1".into(), "7.2".into()]));
    /// ```
    pub fn at_least(&self) -> Vec<String> {
        let mut out = Vec::new();
        for major in 5..=self.major.min(Self::MAX_MAJOR) {
            let last = match major {
                5 | 6 => 19,
                _ => Self::MAX_MINOR,
            };
            let top = if major == self.major { self.minor.min(Self::MAX_MINOR) } else { last };
            out.extend((0..=top).map(|minor| format!("{major}.{minor}")));
        }
        out
    }

    /// The highest minor number [`Version::at_least`] counts within a major series.
    pub const MAX_MINOR: u32 = 39;
    /// The highest major number [`Version::at_least`] counts to.
    pub const MAX_MAJOR: u32 = 99;
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

    #[test]
    fn at_least_works_for_any_major_and_stays_bounded() {
        let seven = Version { major: 7, minor: 3, patch: 0 }.at_least();
        assert!(!seven.contains(&"6.20".to_string()));
        for v in ["5.19", "6.1", "6.12", "6.19", "7.0", "7.3"] {
            assert!(seven.contains(&v.to_string()), "{v}");
        }
        assert!(!seven.contains(&"7.4".to_string()));
        let eight = Version { major: 8, minor: 0, patch: 0 }.at_least();
        assert!(eight.contains(&"7.39".to_string()) && eight.ends_with(&["8.0".to_string()]));
        let huge = Version { major: u32::MAX, minor: u32::MAX, patch: 0 }.at_least();
        assert!(huge.len() <= 100 * 40);
    }
}
