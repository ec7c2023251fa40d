//! Test module for `mmap` and pages: `/dev/rust_mmap_test` gives each open file a page of its
//! own, filled with a line naming the file's number, which `mmap` maps read-only (a mapping that
//! asks for write access, or for more than one page, is refused; one that is read-only cannot be
//! made writable). The page outlives the file while mapped: the mapping holds a reference.
//! An ioctl copies 32 bytes from user memory into the page (`Page::copy_from_user_slice_raw`) at
//! an offset in it (`WRITE_AT`) or across its end (`WRITE_ACROSS_END`, refused).

#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::fs::File;
use kernel::ioctl::{_IOC_SIZE, _IOW};
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::mm::virt::VmaNew;
use kernel::page::{Page, PAGE_SIZE};
use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::Mutex;
use kernel::uaccess::{UserPtr, UserSlice};

module! {
    type: MmapTest,
    name: "mmap_test",
    description: "Test module: a misc device that maps a page per open file",
    license: "GPL",
}

static OPENS: AtomicU32 = AtomicU32::new(0);

/// Copies 32 bytes from the argument to the page from offset 64.
const WRITE_AT: u32 = _IOW::<[u8; 32]>(b'm' as u32, 1);
/// Copies 32 bytes from the argument to the page from 16 bytes before its end.
const WRITE_ACROSS_END: u32 = _IOW::<[u8; 32]>(b'm' as u32, 2);

#[pin_data]
struct OpenFile {
    page: Page,
    /// Held while the ioctl writes the page, so that two ioctls do not write it at once.
    #[pin]
    writing: Mutex<()>,
}

#[vtable]
impl MiscDevice for OpenFile {
    type Ptr = Pin<KBox<Self>>;

    fn open(_file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
        let page = Page::alloc_page(GFP_KERNEL | __GFP_ZERO)?;
        let n = OPENS.fetch_add(1, Ordering::Relaxed) + 1;
        let line = CString::try_from_fmt(fmt!("rust_mmap_test page of open {n}\n"))?;
        let bytes = line.to_bytes();
        // SAFETY: `bytes` is valid for reads of its length; no one else has the page yet.
        unsafe { page.write_raw(bytes.as_ptr(), 0, bytes.len())? };
        KBox::pin_init(try_pin_init!(OpenFile { page, writing <- new_mutex!(()) }), GFP_KERNEL)
    }

    fn ioctl(this: Pin<&Self>, _file: &File, cmd: u32, arg: usize) -> Result<isize> {
        let offset = match cmd {
            WRITE_AT => 64,
            WRITE_ACROSS_END => PAGE_SIZE - 16,
            _ => return Err(ENOTTY),
        };
        let mut reader = UserSlice::new(UserPtr::from_addr(arg), _IOC_SIZE(cmd)).reader();
        let _writing = this.writing.lock();
        // SAFETY: the kernel accesses the page only here, under `writing`, and in `open`, before
        // anyone else has it; user space reads it through its mapping as it reads any user memory.
        unsafe { this.page.copy_from_user_slice_raw(&mut reader, offset, _IOC_SIZE(cmd))? };
        Ok(0)
    }

    fn mmap(this: Pin<&Self>, _file: &File, vma: &VmaNew) -> Result {
        if vma.end() - vma.start() != PAGE_SIZE {
            return Err(EINVAL);
        }
        vma.try_clear_maywrite()?;
        vma.set_dontexpand();
        vma.set_mixedmap().vm_insert_page(vma.start(), &this.page)
    }
}

#[pin_data]
struct MmapTest {
    #[pin]
    device: MiscDeviceRegistration<OpenFile>,
}

impl kernel::InPlaceModule for MmapTest {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(MmapTest {
            device <- MiscDeviceRegistration::register(MiscDeviceOptions { name: c"rust_mmap_test" }),
        })
    }
}
