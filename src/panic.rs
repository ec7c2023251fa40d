//! The panic handler: print the message at `KERN_EMERG`, then `BUG()`.
//!
//! A Rust panic in a module is a bug in the module, as `BUG()` is in C: the kernel prints an oops
//! naming the module and kills the current task. It keeps running (unless `panic_on_oops` is set)
//! only if the panic came in process context with no lock held: in interrupt or softirq context
//! (a timer callback) the oops is fatal, and a lock held then (the module's own, or one the kernel
//! holds around the callback, such as `misc_mtx` around a misc device's `open`) stays held, so the
//! next task that takes it hangs. This crate's own paths do not panic; module code should return
//! errors too, above all in callbacks.

#[cfg(target_os = "none")]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let (file, line, column) =
        info.location().map_or(("<unknown>", 0, 0), |at| (at.file(), at.line(), at.column()));
    crate::print::print_panic(crate::__LOG_PREFIX, file, line, column, info.message());
    // SAFETY: `BUG()` may be called in any context. It does not return, but its declaration
    // does not say so: the `ud2` (arm64: `udf`) after it tells objtool (and the CPU) that
    // nothing follows.
    unsafe {
        crate::bindings::BUG();
        #[cfg(target_arch = "x86_64")]
        core::arch::asm!("ud2", options(noreturn));
        #[cfg(target_arch = "aarch64")]
        core::arch::asm!("udf #0", options(noreturn));
    }
}
