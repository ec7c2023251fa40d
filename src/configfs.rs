//! configfs: directories and attribute files that user space creates and configures
//! (`include/linux/configfs.h`), with upstream's API.
//!
//! A module registers a [`Subsystem`] (a directory under `/sys/kernel/config`); its data type
//! implements [`AttributeOperations`] once per attribute file, and [`GroupOperations`] if
//! `mkdir` in the directory makes a [`Group`] (a child directory with data and attributes of its
//! own). [`configfs_attrs!`] declares which attribute files a directory has, at compile time.
//!
//! Only on kernels with configfs (`CONFIG_CONFIGFS_FS`, built in or a module, which must then be
//! loaded first). Compiled nowhere as a doc example (the doc examples' module is built for every
//! kernel, and loaded where configfs.ko may not be); upstream's `rust_configfs` sample, which the
//! test suite builds unmodified and drives from user space, makes the same calls:
//!
//! ```ignore
//! #[pin_data]
//! struct Settings {
//!     #[pin]
//!     level: Mutex<u32>,
//! }
//!
//! #[vtable]
//! impl configfs::AttributeOperations<0> for Settings {
//!     type Data = Settings;
//!
//!     fn show(data: &Settings, page: &mut [u8; PAGE_SIZE]) -> Result<usize> {
//!         let text = CString::try_from_fmt(fmt!("{}\n", *data.level.lock()))?;
//!         page[..text.len()].copy_from_slice(text.to_bytes());
//!         Ok(text.len())
//!     }
//!
//!     fn store(data: &Settings, page: &[u8]) -> Result {
//!         *data.level.lock() = core::str::from_utf8(page)?.trim().parse().map_err(|_| EINVAL)?;
//!         Ok(())
//!     }
//! }
//!
//! // In the module's `init`: `/sys/kernel/config/settings/level`, while the subsystem lives.
//! let item_type = configfs_attrs! {
//!     container: configfs::Subsystem<Settings>,
//!     data: Settings,
//!     attributes: [level: 0],
//! };
//! configfs::Subsystem::new(c"settings", item_type, pin_init!(Settings { level <- new_mutex!(0) }))
//! ```
//!
//! Unlike upstream's, the data must be `Sync` (attribute files of one directory are read and
//! written concurrently) and a child group's also `Send` (it is dropped where its last reference
//! goes); an attribute file without `store` is read-only (`0444`, upstream: `0660`); the list of
//! attributes is built at compile time; a subsystem whose registration fails is not
//! unregistered; and dropping a subsystem waits for the groups made in it to be removed (configfs
//! would otherwise leave them behind it), refusing new ones.

mod attribute;
mod group;

pub use crate::configfs_attrs;
#[doc(hidden)]
pub use attribute::AttributeEntry;
pub use attribute::{Attribute, AttributeList, AttributeOperations, ItemType};
pub use group::{Group, GroupOperations, HasGroup, Subsystem};
