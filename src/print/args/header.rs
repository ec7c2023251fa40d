//! The start of a message's printk format: its level and the module prefix.

use super::format::escaped_len;
use crate::bindings;
use crate::print::Level;
use core::ffi::CStr;

/// The level and prefix of a message: `<level>prefix: `, or `KERN_CONT` for `pr_cont!`.
#[derive(Clone, Copy)]
pub struct Header {
    /// The level and module prefix; `None` for a continuation.
    pub(in crate::print) first: Option<(Level, &'static CStr)>,
}

impl Header {
    /// A message at `level`, after the module prefix `prefix`.
    ///
    /// ```
    /// use kernel::print::{args::Header, level};
    /// const HEADER: Header = Header::new(level::INFO, c"hello");
    /// ```
    pub const fn new(level: Level, prefix: &'static CStr) -> Header {
        Header { first: Some((level, prefix)) }
    }

    /// A continuation of the previous message.
    pub const CONT: Header = Header { first: None };

    /// The two bytes of the level: `KERN_SOH` and the level's character.
    pub(super) const fn level(&self) -> [u8; 2] {
        match self.first {
            Some((level, _)) => [level.0[0], level.0[1]],
            None => [bindings::KERN_CONT[0], bindings::KERN_CONT[1]],
        }
    }

    /// The length of the header in a printk format.
    pub(super) const fn len(&self) -> usize {
        match self.first {
            Some((_, prefix)) => 2 + escaped_len(prefix.to_bytes()) + 2,
            None => 2,
        }
    }
}
