//! Devices of the driver model: [`Device`], the kernel's `struct device`, and the `dev_*!`
//! macros that print messages about one.
//!
//! A misc device's node is such a device ([`MiscDeviceRegistration::device`]); messages printed
//! about it carry the driver's and the device's names, as C's `dev_info()` does.
//!
//! [`MiscDeviceRegistration::device`]: crate::miscdevice::MiscDeviceRegistration::device
//!
//! ```ignore,kernel,no_run
//! use kernel::device::Device;
//!
//! fn report(dev: &Device, errors: u32) {
//!     dev_warn!(dev, "{} errors since the last reset\n", errors);
//! }
//! ```

use crate::bindings;
use crate::print::args::{print_fmt, Call, Header, Sink, RECORD_MAX};
use crate::print::{level, Level, LineWriter};
use crate::str::CStr;
use crate::sync::aref::{ARef, AlwaysRefCounted};
use crate::types::Opaque;
use core::ffi::c_char;
use core::fmt;
use core::ptr::NonNull;

/// A device: the kernel's `struct device`.
///
/// Only reachable by reference (`&Device`, borrowed from whatever keeps the device alive, such as
/// a registration) or as an [`ARef<Device>`], which holds a reference of the device's own count.
///
/// ```ignore,kernel,no_run
/// # use kernel::device::Device;
/// fn name_of(dev: &Device) -> &CStr {
///     dev.name()
/// }
/// ```
///
/// # Invariants
///
/// The wrapped `struct device` is initialised and its reference count is non-zero for as long as
/// a `&Device` exists.
#[repr(transparent)]
pub struct Device(Opaque<bindings::device>);

// SAFETY: `struct device` is used from any thread; what `Device` does with it (count references,
// read its name, print) the kernel allows from any thread.
unsafe impl Send for Device {}
// SAFETY: as for `Send`: every method takes `&self` and is safe to call concurrently.
unsafe impl Sync for Device {}

impl Device {
    /// Takes a reference to the device at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a device whose count is non-zero for the duration of the call.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, device::Device};
    /// # fn example(misc: *mut bindings::miscdevice) {
    /// // SAFETY: `misc_register()` set `this_device`, alive while the device is registered.
    /// let dev = unsafe { Device::get_device((*misc).this_device) };
    /// # }
    /// ```
    pub unsafe fn get_device(ptr: *mut bindings::device) -> ARef<Device> {
        // SAFETY: guaranteed by the caller.
        ARef::from(unsafe { Device::from_raw(ptr) })
    }

    /// The `Device` at `ptr`, borrowed for `'a`.
    ///
    /// # Safety
    ///
    /// `ptr` points to a device whose count stays non-zero for `'a`.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, device::Device};
    /// # fn example(misc: *mut bindings::miscdevice) {
    /// // SAFETY: the registration keeps its device alive while it is borrowed.
    /// let dev = unsafe { Device::from_raw((*misc).this_device) };
    /// # }
    /// ```
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::device) -> &'a Device {
        // SAFETY: `Device` is a transparent wrapper of `struct device`; the caller guarantees it
        // lives for `'a`.
        // INVARIANT: guaranteed by the caller.
        unsafe { &*ptr.cast::<Device>() }
    }

    /// The C `struct device`.
    ///
    /// ```ignore,kernel,no_run
    /// # fn f(dev: &kernel::device::Device) {
    /// let raw: *mut kernel::bindings::device = dev.as_raw();
    /// # }
    /// ```
    pub fn as_raw(&self) -> *mut bindings::device {
        self.0.get()
    }

    /// The device's name (`dev_name()`), e.g. `rust-misc-device` for a misc device.
    ///
    /// ```ignore,kernel,no_run
    /// # fn f(dev: &kernel::device::Device) {
    /// pr_info!("device {:?}\n", dev.name());
    /// # }
    /// ```
    pub fn name(&self) -> &CStr {
        // SAFETY: the device is alive (type invariant); `dev_name()` returns its NUL-terminated
        // name, which lives as long as the device.
        unsafe { CStr::from_ptr(bindings::dev_name(self.as_raw())) }
    }

    fn printk(&self, level: Level, args: fmt::Arguments<'_>) {
        print_fmt(&DevicePrint::new(self, level), Header::BARE, args);
    }

    /// Prints an emergency message about the device; see [`dev_emerg!`](crate::dev_emerg).
    pub fn pr_emerg(&self, args: fmt::Arguments<'_>) {
        self.printk(level::EMERG, args);
    }

    /// Prints an alert about the device; see [`dev_alert!`](crate::dev_alert).
    pub fn pr_alert(&self, args: fmt::Arguments<'_>) {
        self.printk(level::ALERT, args);
    }

    /// Prints a critical message about the device; see [`dev_crit!`](crate::dev_crit).
    pub fn pr_crit(&self, args: fmt::Arguments<'_>) {
        self.printk(level::CRIT, args);
    }

    /// Prints an error message about the device; see [`dev_err!`](crate::dev_err).
    pub fn pr_err(&self, args: fmt::Arguments<'_>) {
        self.printk(level::ERR, args);
    }

    /// Prints a warning about the device; see [`dev_warn!`](crate::dev_warn).
    pub fn pr_warn(&self, args: fmt::Arguments<'_>) {
        self.printk(level::WARNING, args);
    }

    /// Prints a notice about the device; see [`dev_notice!`](crate::dev_notice).
    pub fn pr_notice(&self, args: fmt::Arguments<'_>) {
        self.printk(level::NOTICE, args);
    }

    /// Prints an informational message about the device; see [`dev_info!`](crate::dev_info).
    pub fn pr_info(&self, args: fmt::Arguments<'_>) {
        self.printk(level::INFO, args);
    }

    /// Prints a debug message about the device, only in builds with debug assertions; see
    /// [`dev_dbg!`](crate::dev_dbg).
    pub fn pr_dbg(&self, args: fmt::Arguments<'_>) {
        if cfg!(debug_assertions) {
            self.printk(level::DEBUG, args);
        }
    }
}

impl AsRef<Device> for Device {
    fn as_ref(&self) -> &Device {
        self
    }
}

// SAFETY: `get_device()` and `put_device()` count references to the device, which lives until the
// last one is dropped; a `&Device` implies a non-zero count (type invariant).
unsafe impl AlwaysRefCounted for Device {
    fn inc_ref(&self) {
        // SAFETY: the count is non-zero (type invariant).
        unsafe { bindings::get_device(self.as_raw()) };
    }

    unsafe fn dec_ref(obj: NonNull<Device>) {
        // SAFETY: the caller gives up a reference it owns.
        unsafe { bindings::put_device(obj.cast().as_ptr()) };
    }
}

/// Messages about a device, at one level: what `dev_*!` prints to, C's `dev_printk()`, which
/// puts the driver's and the device's names first.
#[doc(hidden)]
pub struct DevicePrint<'a> {
    dev: &'a Device,
    level: Level,
}

impl<'a> DevicePrint<'a> {
    /// Messages at `level` about `dev`.
    pub fn new(dev: &'a Device, level: Level) -> Self {
        DevicePrint { dev, level }
    }
}

impl Sink for DevicePrint<'_> {
    /// Half a printk record: the rest is room for the names `dev_printk()` adds.
    const LIMIT: usize = RECORD_MAX / 2;
    type Writer<'s>
        = LineWriter<'s>
    where
        Self: 's;

    #[inline(always)]
    unsafe fn call<A: Call>(&self, args: A, format: *const c_char) {
        let level = self.level.kern_str();
        // SAFETY: `level` is a `KERN_<LEVEL>` string, the device is alive (type invariant of
        // `Device`); the rest is the caller's.
        unsafe { args.dev_printk(level.as_ptr().cast(), self.dev.as_raw(), format) };
    }

    fn writer(&self, _header: Header) -> LineWriter<'_> {
        LineWriter::for_device(self.level, self.dev)
    }
}

#[doc(hidden)]
#[macro_export]
macro_rules! dev_printk {
    ($method:ident, $level:ident, $dev:expr, $fmt:literal $(, $arg:expr)* $(,)?) => {
        $crate::print::printk!(
            $crate,
            ($crate::device::DevicePrint::new(($dev).as_ref(), $crate::print::level::$level)),
            ($crate::print::args::Header::BARE),
            $fmt $(, ($arg))*
        )
    };
    ($method:ident, $level:ident, $dev:expr, $($f:tt)*) => {
        $crate::device::Device::$method(($dev).as_ref(), ::core::format_args!($($f)*))
    };
}

/// Prints an emergency message (`KERN_EMERG`) about a device: C's `dev_emerg()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device) {
/// dev_emerg!(dev, "cannot continue\n");
/// # }
/// ```
#[macro_export]
macro_rules! dev_emerg (($($f:tt)*) => ($crate::dev_printk!(pr_emerg, EMERG, $($f)*)));

/// Prints an alert (`KERN_ALERT`) about a device: C's `dev_alert()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device) {
/// dev_alert!(dev, "overheating\n");
/// # }
/// ```
#[macro_export]
macro_rules! dev_alert (($($f:tt)*) => ($crate::dev_printk!(pr_alert, ALERT, $($f)*)));

/// Prints a critical message (`KERN_CRIT`) about a device: C's `dev_crit()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device, lost: u64) {
/// dev_crit!(dev, "lost {} interrupts\n", lost);
/// # }
/// ```
#[macro_export]
macro_rules! dev_crit (($($f:tt)*) => ($crate::dev_printk!(pr_crit, CRIT, $($f)*)));

/// Prints an error message (`KERN_ERR`) about a device: C's `dev_err()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device, cmd: u32) {
/// dev_err!(dev, "unknown ioctl {}\n", cmd);
/// # }
/// ```
#[macro_export]
macro_rules! dev_err (($($f:tt)*) => ($crate::dev_printk!(pr_err, ERR, $($f)*)));

/// Prints a warning (`KERN_WARNING`) about a device: C's `dev_warn()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device, value: i32) {
/// dev_warn!(dev, "value {} out of range\n", value);
/// # }
/// ```
#[macro_export]
macro_rules! dev_warn (($($f:tt)*) => ($crate::dev_printk!(pr_warn, WARNING, $($f)*)));

/// Prints a notice (`KERN_NOTICE`) about a device: C's `dev_notice()`.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device) {
/// dev_notice!(dev, "switching to polling\n");
/// # }
/// ```
#[macro_export]
macro_rules! dev_notice (($($f:tt)*) => ($crate::dev_printk!(pr_notice, NOTICE, $($f)*)));

/// Prints an informational message (`KERN_INFO`) about a device: C's `dev_info()`. The message
/// starts with the driver's and the device's names.
///
/// ```ignore,kernel,no_run
/// # fn report(dev: &kernel::device::Device, pid: i32) {
/// dev_info!(dev, "opened by pid {}\n", pid);
/// # }
/// ```
#[macro_export]
macro_rules! dev_info (($($f:tt)*) => ($crate::dev_printk!(pr_info, INFO, $($f)*)));

/// Prints a debug message (`KERN_DEBUG`) about a device, only in builds with debug assertions
/// (like [`pr_debug!`](crate::pr_debug)).
///
/// ```ignore,kernel,no_run
/// # #[derive(Debug)]
/// # enum State {
/// #     Idle,
/// # }
/// # fn report(dev: &kernel::device::Device, state: State) {
/// dev_dbg!(dev, "state {:?}\n", state);
/// # }
/// ```
#[macro_export]
macro_rules! dev_dbg (($($f:tt)*) => (
    if cfg!(debug_assertions) {
        $crate::dev_printk!(pr_dbg, DEBUG, $($f)*)
    }
));
