//! Benchmark module: `/dev/rust_ops`, whose ioctls run a kernel operation `arg` times, so that
//! user space can time the operation itself with one system call. `bench/c/ops` is its C twin.

#![no_std]

use kernel::fs::File;
use kernel::ioctl::_IO;
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::prelude::*;

module! {
    type: RustOps,
    name: "rust_ops",
    authors: ["kmod-rs developers"],
    description: "Benchmark module: kernel operations run N times per ioctl (printing, allocation)",
    license: "GPL",
}

/// `pr_info!` with two integer arguments, `arg` times.
pub const OPS_PRINTK: u32 = _IO('b' as u32, 1);
/// Allocates and frees a 64-byte object, `arg` times.
pub const OPS_ALLOC_64: u32 = _IO('b' as u32, 2);
/// Allocates and frees a 4096-byte object, `arg` times.
pub const OPS_ALLOC_4K: u32 = _IO('b' as u32, 3);

/// Allocates an uninitialised `N`-byte object and frees it, `iterations` times: what `kmalloc()`
/// and `kfree()` do in C.
fn alloc_free<const N: usize>(iterations: u32) -> Result {
    for _ in 0..iterations {
        drop(KBox::<[u8; N]>::new_uninit(GFP_KERNEL)?);
    }
    Ok(())
}

struct Ops;

#[vtable]
impl MiscDevice for Ops {
    type Ptr = KBox<()>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<KBox<()>> {
        Ok(KBox::new((), GFP_KERNEL)?)
    }

    fn ioctl(_this: &(), _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let iterations = u32::try_from(arg)?;
        match cmd {
            OPS_PRINTK => {
                for i in 0..iterations {
                    pr_info!("iteration {} of {}\n", i, iterations);
                }
            }
            OPS_ALLOC_64 => alloc_free::<64>(iterations)?,
            OPS_ALLOC_4K => alloc_free::<4096>(iterations)?,
            _ => return Err(ENOTTY),
        }
        Ok(0)
    }
}

#[pin_data]
struct RustOps {
    #[pin]
    _registration: MiscDeviceRegistration<Ops>,
}

impl kernel::InPlaceModule for RustOps {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let options = MiscDeviceOptions { name: c"rust_ops" };
        try_pin_init!(RustOps { _registration <- MiscDeviceRegistration::register(options) })
    }
}
