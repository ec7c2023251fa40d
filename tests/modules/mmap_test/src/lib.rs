//! Test module for `mmap` and pages: `/dev/rust_mmap_test` gives each open file a page of its
//! own, filled with a line naming the file's number, which `mmap` maps read-only (a mapping that
//! asks for write access, or for more than one page, is refused; one that is read-only cannot be
//! made writable). The page outlives the file while mapped: the mapping holds a reference.

#![no_std]

use core::sync::atomic::{AtomicU32, Ordering};
use kernel::fs::File;
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::mm::virt::VmaNew;
use kernel::page::{Page, PAGE_SIZE};
use kernel::prelude::*;
use kernel::str::CString;

module! {
    type: MmapTest,
    name: "mmap_test",
    description: "Test module: a misc device that maps a page per open file",
    license: "GPL",
}

static OPENS: AtomicU32 = AtomicU32::new(0);

struct OpenFile {
    page: Page,
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
        Ok(KBox::pin(OpenFile { page }, GFP_KERNEL)?)
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
