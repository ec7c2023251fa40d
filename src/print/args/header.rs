//! The start of a message's format: its level and the module prefix, for printk.

use super::format::escaped_len;
use crate::bindings;
use crate::print::Level;
use core::ffi::CStr;

/// What a message's format starts with: `<level>prefix: ` for a message of `pr_*!`, `KERN_CONT`
/// for `pr_cont!`, nothing for one that goes to a device's log (`_dev_printk()` takes the level
/// apart) or a sequence file.
#[derive(Clone, Copy)]
pub struct Header {
    pub(in crate::print) start: Start,
}

#[derive(Clone, Copy)]
pub(in crate::print) enum Start {
    /// The level and module prefix.
    First(Level, &'static CStr),
    /// A continuation.
    Cont,
    /// Nothing.
    Bare,
}

impl Header {
    /// A message at `level`, after the module prefix `prefix`.
    ///
    /// ```
    /// use kernel::print::{args::Header, level};
    /// const HEADER: Header = Header::new(level::INFO, c"hello");
    /// ```
    pub const fn new(level: Level, prefix: &'static CStr) -> Header {
        Header { start: Start::First(level, prefix) }
    }

    /// A continuation of the previous message.
    pub const CONT: Header = Header { start: Start::Cont };

    /// No header: a message to a device's log or to a sequence file.
    pub const BARE: Header = Header { start: Start::Bare };

    /// The level and prefix of a message's first piece, `None` for a continuation or nothing.
    pub(in crate::print) const fn first(&self) -> Option<(Level, &'static CStr)> {
        match self.start {
            Start::First(level, prefix) => Some((level, prefix)),
            Start::Cont | Start::Bare => None,
        }
    }

    /// The bytes of the header in a printk format: the two bytes of the level (`KERN_SOH` and
    /// the level's character, or `KERN_CONT`), or none.
    pub(super) const fn level(&self) -> &'static [u8] {
        match self.start {
            Start::First(level, _) => level.kern(),
            Start::Cont => bindings::KERN_CONT.split_at(2).0,
            Start::Bare => b"",
        }
    }

    /// The length of the header in a format.
    pub(super) const fn len(&self) -> usize {
        match self.start {
            Start::First(_, prefix) => 2 + escaped_len(prefix.to_bytes()) + 2,
            Start::Cont => 2,
            Start::Bare => 0,
        }
    }
}
