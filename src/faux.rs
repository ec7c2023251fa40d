//! Faux devices: a `struct device` on the kernel's faux bus, for a driver that has no hardware
//! behind it but needs a device (C's `faux_device_create()`, `include/linux/device/faux.h`).
//!
//! Only on kernels whose headers have the faux bus (Linux 6.15 and later, or a backport): the
//! module exists where the kernel's headers declare it. Upstream's `rust_driver_faux` sample
//! builds and runs unmodified on those kernels of the test matrix. Compiled nowhere as a doc
//! example (the doc examples' module is built for every kernel); the sample makes the same calls:
//!
//! ```ignore
//! let reg = kernel::faux::Registration::new(c"my-faux-device", None)?;
//! dev_info!(reg, "bound to nothing\n");
//! // ... dropping `reg` removes the device.
//! ```

use crate::bindings;
use crate::device::Device;
use crate::error::{code::ENODEV, Result};
use crate::str::CStr;
use core::ptr::{addr_of_mut, null, null_mut, NonNull};

/// A faux device, registered on the faux bus while this lives (upstream's name and shape).
///
/// # Invariants
///
/// `self.0` is a device that `faux_device_create` returned and nothing has destroyed yet.
pub struct Registration(NonNull<bindings::faux_device>);

impl Registration {
    /// Creates and registers a faux device named `name` (its name in `/sys/bus/faux/devices`),
    /// under `parent` if given (else under `/sys/devices/faux`), with no driver callbacks.
    /// May sleep.
    pub fn new(name: &CStr, parent: Option<&Device>) -> Result<Self> {
        let parent = parent.map_or(null_mut(), Device::as_raw);
        // SAFETY: `name` is a NUL-terminated string the call copies (into the device's name);
        // `parent` is null or a live device, which the new device references; no callbacks.
        let dev = unsafe { bindings::faux_device_create(name.as_ptr(), parent, null()) };
        // INVARIANT: created (C returns null on every failure, without saying which), not yet
        // destroyed.
        Ok(Registration(NonNull::new(dev).ok_or(ENODEV)?))
    }
}

impl AsRef<Device> for Registration {
    fn as_ref(&self) -> &Device {
        // SAFETY: the faux device is alive while it is registered (type invariant), and so is
        // its `struct device`, which lives as long as the borrow of `self`.
        unsafe { Device::from_raw(addr_of_mut!((*self.0.as_ptr()).dev)) }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // SAFETY: a device `faux_device_create` returned, destroyed only here (type invariant).
        unsafe { bindings::faux_device_destroy(self.0.as_ptr()) };
    }
}

// SAFETY: the device may be destroyed from any thread, and the handle holds nothing else.
unsafe impl Send for Registration {}
// SAFETY: `&Registration` only gives `&Device`, which is `Sync`.
unsafe impl Sync for Registration {}
