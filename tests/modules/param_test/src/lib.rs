//! Test module for parameters: one of every type, with various permissions. It prints every value
//! at load and unload (`param_test: <when> <name>=<value>`), reads several in one statement (the
//! parameter lock must be reentrant), and with `hold_ms=N` holds the parameter lock for N ms
//! during `init`, so the tests can check that a sysfs write waits for it.

#![no_std]

use kernel::prelude::*;

module! {
    type: ParamTest,
    name: "param_test",
    description: "Test module: every kind of module parameter",
    license: "GPL",
    params: {
        p_bool: bool { default: true, description: "A bool", permissions: 0o644 },
        p_i8: i8 { default: -8, description: "An i8", permissions: 0o644 },
        p_u8: u8 { default: 8, description: "A u8", permissions: 0o444 },
        p_i16: i16 { default: -16, description: "An i16", permissions: 0o640 },
        p_u16: u16 { default: 16, description: "A u16", permissions: 0o600 },
        p_i32: i32 { default: -32, description: "An i32", permissions: 0o644 },
        p_u32: u32 { default: 32, description: "A u32", permissions: 0o644 },
        p_i64: i64 { default: -64, description: "An i64", permissions: 0o644 },
        p_u64: u64 { default: 64, description: "A u64", permissions: 0o400 },
        p_isize: isize { default: -1, description: "An isize", permissions: 0o644 },
        p_usize: usize { default: 1, description: "A usize", permissions: 0o644 },
        p_str: str { default: "default", description: "A writable string", permissions: 0o644 },
        p_ro_str: str { default: "fixed", description: "A read-only string", permissions: 0o444 },
        a_i8: [i8; 3] { default: [-1, 2], description: "Up to 3 i8", permissions: 0o644 },
        a_i32: [i32; 4] { default: [1, 2], description: "Up to 4 i32", permissions: 0o644 },
        a_u64: [u64; 2] { default: [], description: "Up to 2 u64", permissions: 0o444 },
        a_bool: [bool; 3] { default: [true], description: "Up to 3 bool", permissions: 0o644 },
        hidden: u32 { default: 7, description: "Not in sysfs" },
        hold_ms: u32 { default: 0, description: "Hold the parameter lock this long at load (ms)" },
    },
}

use module_parameters::*;

struct ParamTest;

fn show(when: &str) {
    pr_info!("{when} p_bool={}\n", p_bool.get());
    pr_info!("{when} p_i8={}\n", p_i8.get());
    pr_info!("{when} p_u8={}\n", p_u8.get());
    pr_info!("{when} p_i16={}\n", p_i16.get());
    pr_info!("{when} p_u16={}\n", p_u16.get());
    pr_info!("{when} p_i32={}\n", p_i32.get());
    pr_info!("{when} p_u32={}\n", p_u32.get());
    pr_info!("{when} p_i64={}\n", p_i64.get());
    pr_info!("{when} p_u64={}\n", p_u64.get());
    pr_info!("{when} p_isize={}\n", p_isize.get());
    pr_info!("{when} p_usize={}\n", p_usize.get());
    pr_info!("{when} p_str={}\n", p_str.read());
    pr_info!("{when} p_ro_str={}\n", p_ro_str.read());
    pr_info!("{when} a_i8={:?}\n", a_i8.read());
    pr_info!("{when} a_i32={:?}\n", a_i32.read());
    pr_info!("{when} a_u64={:?}\n", a_u64.read());
    pr_info!("{when} a_bool={:?}\n", a_bool.read());
    pr_info!("{when} hidden={}\n", hidden.get());
    pr_info!("{when} hold_ms={}\n", hold_ms.get());
    // Several guards of writable parameters alive at once, and a `get` while they are.
    pr_info!("{when} together: {} {:?} {:?} {}\n", p_str.read(), a_i32.read(), a_i8.read(), p_u32.get());
}

impl kernel::Module for ParamTest {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        show("load");
        let hold = hold_ms.get();
        if hold > 0 {
            let guard = p_str.read();
            pr_info!("holding the parameter lock for {hold} ms\n");
            // SAFETY: `msleep` may be called in process context, which `init` runs in.
            unsafe { kernel::bindings::msleep(hold) };
            pr_info!("releasing the parameter lock: p_str={guard} p_u32={}\n", p_u32.get());
        }
        Ok(ParamTest)
    }
}

impl Drop for ParamTest {
    fn drop(&mut self) {
        show("unload");
    }
}
