//! Test module for `pr_*!`: every level, continuations, formatting, and messages longer than
//! the formatting buffer and than a printk record.

#![no_std]

use core::fmt;
use kernel::prelude::*;

module! {
    type: PrintkTest,
    name: "printk_test",
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
        Ok(PrintkTest)
    }
}
