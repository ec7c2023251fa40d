//! Test module for `pr_*!`: every level, continuations, formatting, and messages longer than
//! the formatting buffer and than a printk record; the fast path (a printk format built at
//! compile time) for every argument type it takes, and the `core::fmt` path next to it.

#![no_std]

use core::fmt;
use kernel::prelude::*;
use kernel::str::CStr;

module! {
    type: PrintkTest,
    name: "printk_test",
    description: "Test module: pr_*! levels, formatting and long messages",
    license: "GPL",
}

/// `len` bytes of a pattern the test recognises: `0123456789` repeated, a `|` every 100 bytes.
struct Pattern(usize);

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..self.0 {
            let c = if i % 100 == 99 { b'|' } else { b'0' + (i % 10) as u8 };
            fmt::Write::write_char(f, c as char)?;
        }
        Ok(())
    }
}

/// `N` bytes of the same pattern, then a NUL.
const fn pattern<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let mut i = 0;
    while i + 1 < N {
        bytes[i] = if i % 100 == 99 { b'|' } else { b'0' + (i % 10) as u8 };
        i += 1;
    }
    bytes
}

const PATTERN_BYTES: [u8; 3001] = pattern();
/// 3000 bytes of the pattern, as a string.
const PATTERN: &str = match PATTERN_BYTES.split_last() {
    Some((_, text)) => match core::str::from_utf8(text) {
        Ok(text) => text,
        Err(_) => panic!("the pattern is ASCII"),
    },
    None => panic!("the pattern is not empty"),
};

/// Prints `value` from a generic function, where only its `Display` is known: `core::fmt`.
fn generic<T: fmt::Display>(value: T) {
    pr_info!("generic: {}\n", value);
}

struct PrintkTest;

impl kernel::Module for PrintkTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_emerg!("level emerg\n");
        pr_alert!("level alert\n");
        pr_crit!("level crit\n");
        pr_err!("level err\n");
        pr_warn!("level warning\n");
        pr_notice!("level notice\n");
        pr_info!("level info\n");
        pr_debug!("level debug (compiled out in release builds)\n");
        pr_info!("format: {} {:#x} {:>5} {:?} {}\n", -17i32, 255u32, "r", Some("x"), 'é');
        pr_info!("cont:");
        for i in 1..=3 {
            pr_cont!(" {}", i);
        }
        pr_cont!("\n");
        for len in [255usize, 256, 257, 900, 3000] {
            pr_info!("pattern {} <{}>\n", len, Pattern(len));
        }
        fast();
        Ok(PrintkTest)
    }
}

/// The fast path: each line is compared with the text `core::fmt` gives.
fn fast() {
    pr_info!("fast unsigned: {} {} {} {} {}\n", u8::MAX, u16::MAX, u32::MAX, u64::MAX, usize::MAX);
    pr_info!("fast signed min: {} {} {} {} {}\n", i8::MIN, i16::MIN, i32::MIN, i64::MIN, isize::MIN);
    pr_info!("fast signed max: {} {} {} {} {}\n", i8::MAX, i16::MAX, i32::MAX, i64::MAX, isize::MAX);
    pr_info!("fast zero: {} {} {} {:x} {:#x} {:X}\n", 0u8, 0i64, 0usize, 0u32, 0u64, 0i16);
    pr_info!("fast hex: {:x} {:x} {:x} {:x} {:x}\n", -1i8, -2i16, -3i32, -4i64, -5isize);
    pr_info!("fast alt hex: {:#x} {:#x} {:#x} {:#x}\n", 255u8, 0xbeefu16, u64::MAX, 1usize << 40);
    pr_info!("fast upper hex: {:X} {:X} {:X}\n", 0xabu8, 0xdead_beefu32, -1i64);
    pr_info!("fast debug: {:?} {:?} {:?}\n", -5i32, 7u64, true);
    pr_info!("fast bool: {} {}\n", true, false);
    pr_info!("fast percent: 100% {}%% done, 50%d %s %.*s %\n", 3);
    pr_info!("fast strings: <{}> <{}> <{}> <{}>\n", "abc", "", c"cstr", c"");
    let text = "borrowed";
    let number = 42u32;
    let mut other = 6u16;
    other += 1;
    let cstr: &CStr = c"cstr ref";
    pr_info!("fast references: {} {} {} {} {}\n", &text, &&number, &mut other, cstr, &&cstr);
    pr_info!("fast braces: {{}} {{{}}}\n", 1);
    pr_info!("fast unicode: \u{e9}t\u{e9} {}\n", "\u{fc}ber");
    pr_info!("fast trailing comma: {}\n", 1,);
    pr_info!("fast turbofish: {}\n", core::mem::size_of::<(u8, u32)>());
    pr_info!("fast inferred: {}\n", 5);
    pr_info!(
        "fast twelve: {} {} {} {} {} {} {} {} {} {} {} {}\n",
        1u8,
        2u16,
        3u32,
        4u64,
        5usize,
        "6",
        c"7",
        -8i8,
        -9i16,
        -10i32,
        -11i64,
        -12isize
    );
    pr_info!(
        "slow thirteen: {} {} {} {} {} {} {} {} {} {} {} {} {}\n",
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        13
    );
    pr_info!("fast no arguments\n");
    // A char, an unknown type, a generic one: `core::fmt`, with the fast arguments next to them
    // formatted as printk would.
    pr_info!("mixed: {} {} {:#x} {} {:X}\n", 7u32, '\u{e9}', 255u8, c"cstr", 171u8);
    pr_info!("mixed error: {:?} {}\n", EINVAL, true);
    generic(5u32);
    let inline = 9;
    pr_info!("inline: {inline} {}\n", 1);
    pr_info!("named: {a} {}\n", 2, a = 3);
    pr_info!("fast cont:");
    pr_cont!(" {}", 1u8);
    pr_cont!(" {:#x}", 255u8);
    pr_cont!(" {}", c"cstr");
    pr_cont!(" {}\n", "end");
    // Strings around the record limit, and longer: all arrive whole.
    for len in [255usize, 256, 900, 950, 1000, 3000] {
        let text = PATTERN.get(..len).unwrap_or_default();
        pr_info!("str pattern {} <{}>\n", len, text);
    }
    if let Ok(cstr) = CStr::from_bytes_with_nul(&PATTERN_BYTES) {
        pr_info!("cstr pattern {} <{}>\n", cstr.to_bytes().len(), cstr);
    }
    pr_info!("fast done\n");
}
