//! Test module for `kernel::configfs` beyond what upstream's rust_configfs sample uses: `drop_item`
//! on `rmdir`, a `make_group` and a `store` that refuse, a `show` longer than configfs takes, and
//! a group's data dropped at `rmdir` though one of its files is open (which then fails reads);
//! and a second subsystem dropped on request while a group made in it exists (the drop waits for
//! its `rmdir`, refusing `mkdir` meanwhile).

#![no_std]

use kernel::configfs::{self, configfs_attrs, AttributeOperations, Group, GroupOperations, Subsystem};
use kernel::page::PAGE_SIZE;
use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::{ArcBorrow, Mutex};

module! {
    type: ConfigfsTest,
    name: "configfs_test",
    license: "GPL",
    description: "Test module: kernel::configfs groups, their removal and failing attributes",
}

#[pin_data]
struct ConfigfsTest {
    #[pin]
    subsystem: Subsystem<Root>,
}

/// The subsystem's data: how many groups `mkdir` made and `rmdir` removed, and the second
/// subsystem until `drop_dynamic` drops it.
#[pin_data]
struct Root {
    made: Atomic<u32>,
    removed: Atomic<u32>,
    #[pin]
    dynamic: Mutex<Option<Pin<KBox<Subsystem<Dynamic>>>>>,
}

/// The data of the second subsystem and of the groups made in it (which have no attributes and
/// in which `mkdir` fails).
struct Dynamic;

#[vtable]
impl GroupOperations for Dynamic {
    type Child = Dynamic;

    fn make_group(&self, name: &CStr) -> Result<impl PinInit<Group<Dynamic>, Error>> {
        let item_type = configfs_attrs! { container: Group<Dynamic>, data: Dynamic, attributes: [] };
        Ok(Group::new(name.try_into()?, item_type, Ok::<_, Error>(Dynamic)))
    }
}

/// A group's data: a number that its `value` file shows and takes.
struct Counter {
    name: CString,
    value: Atomic<u32>,
}

impl Drop for Counter {
    fn drop(&mut self) {
        pr_info!("{} dropped\n", self.name.to_str().unwrap_or("?"));
    }
}

/// Copies `text` into `page`: a `show`'s result.
fn show_text(page: &mut [u8; PAGE_SIZE], text: CString) -> Result<usize> {
    let bytes = text.to_bytes();
    page.get_mut(..bytes.len()).ok_or(EINVAL)?.copy_from_slice(bytes);
    Ok(bytes.len())
}

#[vtable]
impl AttributeOperations<0> for Root {
    type Data = Root;

    fn show(root: &Root, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        let (made, removed) = (root.made.load(Relaxed), root.removed.load(Relaxed));
        show_text(page, CString::try_from_fmt(fmt!("made={made} removed={removed}\n"))?)
    }
}

/// `big`: claims more than configfs takes (a driver's mistake), which fails the read.
#[vtable]
impl AttributeOperations<1> for Root {
    type Data = Root;

    fn show(_root: &Root, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        page.fill(b'x');
        Ok(PAGE_SIZE + 1)
    }
}

/// `drop_dynamic`: shows whether the second subsystem exists; a write drops it.
#[vtable]
impl AttributeOperations<2> for Root {
    type Data = Root;

    fn show(root: &Root, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        show_text(page, CString::try_from_fmt(fmt!("{}\n", root.dynamic.lock().is_some()))?)
    }

    fn store(root: &Root, _page: &[u8]) -> Result {
        let dynamic = root.dynamic.lock().take();
        drop(dynamic);
        pr_info!("dynamic subsystem dropped\n");
        Ok(())
    }
}

#[vtable]
impl GroupOperations for Root {
    type Child = Counter;

    fn make_group(&self, name: &CStr) -> Result<impl PinInit<Group<Counter>, Error>> {
        if name.to_bytes() == b"refused" {
            return Err(EINVAL);
        }
        let item_type = configfs_attrs! {
            container: Group<Counter>,
            data: Counter,
            attributes: [value: 0],
        };
        self.made.add(1, Relaxed);
        let counter = Counter { name: name.try_into()?, value: Atomic::new(0) };
        Ok(Group::new(name.try_into()?, item_type, Ok::<_, Error>(counter)))
    }

    fn drop_item(&self, _child: ArcBorrow<'_, Group<Counter>>) {
        self.removed.add(1, Relaxed);
        pr_info!("drop_item\n");
    }
}

#[vtable]
impl AttributeOperations<0> for Counter {
    type Data = Counter;

    fn show(counter: &Counter, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
        show_text(page, CString::try_from_fmt(fmt!("{}\n", counter.value.load(Relaxed)))?)
    }

    /// Takes a number; anything else is `EINVAL` and leaves the value.
    fn store(counter: &Counter, page: &[u8]) -> Result {
        let text = core::str::from_utf8(page)?.trim();
        counter.value.store(text.parse().map_err(|_| EINVAL)?, Relaxed);
        Ok(())
    }
}

impl kernel::InPlaceModule for ConfigfsTest {
    fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
        kernel::init::pin_init_scope(|| {
            let item_type = configfs_attrs! {
                container: Subsystem<Dynamic>,
                data: Dynamic,
                child: Dynamic,
                attributes: [],
            };
            let dynamic = Subsystem::new(c"configfs_test_dynamic", item_type, Ok::<_, Error>(Dynamic));
            let dynamic = KBox::pin_init(dynamic, GFP_KERNEL)?;
            let item_type = configfs_attrs! {
                container: configfs::Subsystem<Root>,
                data: Root,
                child: Counter,
                attributes: [counts: 0, big: 1, drop_dynamic: 2],
            };
            let root = try_pin_init!(Root {
                made: Atomic::new(0),
                removed: Atomic::new(0),
                dynamic <- new_mutex!(Some(dynamic)),
            });
            Ok(try_pin_init!(Self { subsystem <- Subsystem::new(c"configfs_test", item_type, root) }))
        })
    }
}
