//! configfs directories: the [`Subsystem`] a module registers and the [`Group`]s `mkdir` makes.

use super::ItemType;
use crate::alloc::flags::GFP_KERNEL;
use crate::bindings;
use crate::error::{code::ENODEV, to_result, Error, Result};
use crate::init::InPlaceInit;
use crate::str::{CStr, CString};
use crate::sync::lock::{mutex::MutexBackend, Backend};
use crate::sync::{Arc, ArcBorrow};
use crate::types::Opaque;
use crate::vtable;
use core::ffi::c_char;
use core::marker::PhantomData;
use core::pin::Pin;
use core::ptr::addr_of_mut;
use core::sync::atomic::{AtomicBool, Ordering};
use pinned_init::{pin_data, pinned_drop, PinInit};

/// A configfs subsystem: a directory under `/sys/kernel/config`, registered while this lives,
/// with `Data` behind its attribute files (upstream's name and shape).
///
/// A field of the module's own type, initialised in place by [`Subsystem::new`].
///
/// Dropping it waits for user space to remove the groups made in it (`rmdir`), with a warning in
/// the kernel log, as configfs cannot remove them itself; at module unload there are none (each
/// group holds the module). Not to be dropped from its own callbacks, which it would wait for.
///
/// # Invariants
///
/// `subsystem` is registered with configfs, its group set up with an [`ItemType`] of
/// `Subsystem<Data>` and `Data`; `data` is initialised before it is registered. Once `dying` is
/// set no group is made in it.
#[pin_data(PinnedDrop)]
pub struct Subsystem<Data> {
    // Initialised before `subsystem` (see `new`): configfs may call in as soon as it registers.
    #[pin]
    data: Data,
    // Set when the subsystem is dropped: `mkdir` in it fails from then on.
    dying: AtomicBool,
    #[pin]
    subsystem: Opaque<bindings::configfs_subsystem>,
}

// SAFETY: configfs calls into `Data` (as `&Data`) on any thread; the C structure is configfs's,
// behind its own locks.
unsafe impl<Data: Sync> Sync for Subsystem<Data> {}
// SAFETY: dropping it unregisters it, which may happen on any thread; `Data` goes along.
unsafe impl<Data: Send> Send for Subsystem<Data> {}

impl<Data> Subsystem<Data> {
    /// Initialises `data`, then registers the subsystem: the directory `name` under
    /// `/sys/kernel/config`, with the attribute files (and the `mkdir` behaviour) of
    /// `item_type`, which [`configfs_attrs!`](crate::configfs_attrs) declares. May sleep.
    pub fn new(
        name: &'static CStr,
        item_type: &'static ItemType<Subsystem<Data>, Data>,
        data: impl PinInit<Data, Error>,
    ) -> impl PinInit<Self, Error> {
        let register = move |slot: *mut Opaque<bindings::configfs_subsystem>| {
            let subsystem = Opaque::raw_get(slot);
            // SAFETY: `slot` is valid for writes and will not move; a zeroed subsystem is what
            // the C initialisers below expect (as a `static` one in C).
            unsafe { subsystem.write(core::mem::zeroed()) };
            // SAFETY: the group is zeroed; `name` and `item_type` are static, as configfs keeps
            // pointers to both.
            unsafe {
                bindings::config_group_init_type_name(
                    addr_of_mut!((*subsystem).su_group),
                    name.as_ptr(),
                    item_type.as_raw(),
                )
            };
            // SAFETY: the mutex will not move; its name and lock class are static.
            unsafe {
                MutexBackend::init(
                    addr_of_mut!((*subsystem).su_mutex),
                    crate::optional_name!(),
                    crate::static_lock_class!(),
                )
            };
            // SAFETY: set up above.
            let registered = to_result(unsafe { bindings::configfs_register_subsystem(subsystem) });
            if registered.is_err() {
                // SAFETY: the reference the initialisation took, and the only one: the field
                // counts as uninitialised, and `PinnedDrop` (the unregistering) does not run.
                unsafe { bindings::config_item_put(addr_of_mut!((*subsystem).su_group.cg_item)) };
            }
            registered
        };
        // SAFETY: `register` initialises the field in place, or fails having left nothing to undo.
        let subsystem = unsafe { pinned_init::pin_init_from_closure(register) };
        crate::try_pin_init!(Self { data <- data, dying: AtomicBool::new(false), subsystem <- subsystem })
    }

    /// Whether groups made in the subsystem exist.
    fn has_groups(&self) -> bool {
        let subsystem = self.subsystem.get();
        // SAFETY: the subsystem is initialised (type invariant); its mutex orders the changes
        // of its group's children (configfs links and unlinks them under it).
        unsafe { MutexBackend::lock(addr_of_mut!((*subsystem).su_mutex)) };
        // SAFETY: as above; an empty list points to itself.
        let children = unsafe { addr_of_mut!((*subsystem).su_group.cg_children) };
        // SAFETY: as above.
        let empty = unsafe { (*children).next } == children;
        // SAFETY: taken above.
        unsafe { MutexBackend::unlock(addr_of_mut!((*subsystem).su_mutex), &()) };
        !empty
    }
}

#[pinned_drop]
impl<Data> PinnedDrop for Subsystem<Data> {
    fn drop(self: Pin<&mut Self>) {
        // `make_group` reads it under the subsystem's mutex, as `has_groups` does.
        self.dying.store(true, Ordering::Relaxed);
        let mut waited = false;
        while self.has_groups() {
            if !waited {
                crate::pr_warn!("configfs: a subsystem is dropped while groups made in it exist: waiting for their rmdir\n");
                waited = true;
            }
            crate::time::msleep(100);
        }
        // SAFETY: registered (type invariant), and no group made in it exists, nor will (`dying`).
        // configfs waits for the attribute operations in progress; none start afterwards.
        unsafe { bindings::configfs_unregister_subsystem(self.subsystem.get()) };
        // SAFETY: the reference the initialisation took, unused from now on (configfs dropped
        // its own): frees the group's name if it was too long for the group itself.
        unsafe { bindings::config_item_put(addr_of_mut!((*self.subsystem.get()).su_group.cg_item)) };
    }
}

/// A configfs group: a directory that `mkdir` made in a [`Subsystem`]'s or in another group's,
/// with `Data` behind its attribute files (upstream's name and shape). Made by
/// [`GroupOperations::make_group`]; configfs keeps it until `rmdir` (its attribute files still
/// open then fail their reads and writes: configfs holds no reference to the group for them).
#[pin_data]
pub struct Group<Data> {
    #[pin]
    group: Opaque<bindings::config_group>,
    #[pin]
    data: Data,
}

// SAFETY: as for `Subsystem`.
unsafe impl<Data: Sync> Sync for Group<Data> {}
// SAFETY: as for `Subsystem`: configfs drops a group where its last reference goes.
unsafe impl<Data: Send> Send for Group<Data> {}

impl<Data> Group<Data> {
    /// An initialiser of a group named `name`, with the attribute files (and the `mkdir`
    /// behaviour) of `item_type` and `data` behind them: what
    /// [`GroupOperations::make_group`] returns.
    pub fn new(
        name: CString,
        item_type: &'static ItemType<Group<Data>, Data>,
        data: impl PinInit<Data, Error>,
    ) -> impl PinInit<Self, Error> {
        let group = Opaque::ffi_init(move |group: *mut bindings::config_group| {
            // SAFETY: `group` is valid for writes and will not move; zeroed as C expects.
            unsafe { group.write(core::mem::zeroed()) };
            // SAFETY: the group is zeroed; configfs copies `name`; `item_type` is static.
            unsafe { bindings::config_group_init_type_name(group, name.as_ptr(), item_type.as_raw()) };
        });
        // The data first: once the group is set up (its name perhaps allocated), nothing fails.
        crate::try_pin_init!(Self { data <- data, group <- group })
    }
}

/// A type that embeds a configfs group: [`Subsystem`] and [`Group`] (upstream's name). Not for
/// module code to implement.
///
/// # Safety
///
/// `group` and `container_of` give the address of the `config_group` embedded in `Self` and back.
pub unsafe trait HasGroup<Data> {
    /// The `config_group` embedded in `*this`.
    ///
    /// # Safety
    ///
    /// `this` points into an allocation that holds a `Self`.
    unsafe fn group(this: *const Self) -> *const bindings::config_group;

    /// The `Self` that `group` is embedded in.
    ///
    /// # Safety
    ///
    /// `group` points to the `config_group` embedded in a `Self`.
    unsafe fn container_of(group: *const bindings::config_group) -> *const Self;
}

// SAFETY: the group is the `su_group` of the `subsystem` field.
unsafe impl<Data> HasGroup<Data> for Subsystem<Data> {
    unsafe fn group(this: *const Self) -> *const bindings::config_group {
        // SAFETY: the caller's pointer is in bounds of a `Self`.
        unsafe { core::ptr::addr_of!((*Opaque::raw_get(core::ptr::addr_of!((*this).subsystem))).su_group) }
    }

    unsafe fn container_of(group: *const bindings::config_group) -> *const Self {
        let subsystem = crate::container_of!(group, bindings::configfs_subsystem, su_group);
        crate::container_of!(subsystem.cast::<Opaque<bindings::configfs_subsystem>>(), Self, subsystem)
    }
}

// SAFETY: the group is the `group` field.
unsafe impl<Data> HasGroup<Data> for Group<Data> {
    unsafe fn group(this: *const Self) -> *const bindings::config_group {
        // SAFETY: the caller's pointer is in bounds of a `Self`.
        Opaque::raw_get(unsafe { core::ptr::addr_of!((*this).group) })
    }

    unsafe fn container_of(group: *const bindings::config_group) -> *const Self {
        crate::container_of!(group.cast::<Opaque<bindings::config_group>>(), Self, group)
    }
}

/// Whether `group` is a subsystem's own (whose `cg_subsys` points to the subsystem around it once
/// registered), not a group made in one.
///
/// # Safety
///
/// `group` is a live group that configfs holds.
unsafe fn is_subsystem(group: *mut bindings::config_group) -> bool {
    // SAFETY: `group` is a live group (the caller's guarantee).
    let subsystem = unsafe { (*group).cg_subsys };
    // SAFETY: a non-null `cg_subsys` is the registered subsystem the group belongs to.
    !subsystem.is_null() && core::ptr::eq(unsafe { &raw mut (*subsystem).su_group }, group)
}

/// The data of the directory `group` is: a [`Subsystem`]'s if it is a subsystem's own group
/// (whose `cg_subsys` points to the subsystem around it once registered), else a [`Group`]'s.
///
/// # Safety
///
/// `group` is the group of a registered `Subsystem<Data>` or of a `Group<Data>` that configfs
/// holds, and stays so for `'a`.
pub(super) unsafe fn group_data<'a, Data>(group: *mut bindings::config_group) -> &'a Data {
    // SAFETY: the caller's guarantee.
    if unsafe { is_subsystem(group) } {
        // SAFETY: the group of a registered `Subsystem<Data>` (the caller's guarantee, and it
        // is a subsystem's own).
        unsafe { &(*Subsystem::<Data>::container_of(group)).data }
    } else {
        // SAFETY: the group of a `Group<Data>` (the caller's guarantee, and it is not a
        // subsystem's own).
        unsafe { &(*Group::<Data>::container_of(group)).data }
    }
}

/// What `mkdir` and `rmdir` do in a directory whose data is `Self` (upstream's name and shape):
/// implemented with `#[vtable]`; given to [`configfs_attrs!`](crate::configfs_attrs) as `child`.
#[vtable]
pub trait GroupOperations {
    /// The data of the groups `mkdir` makes here.
    type Child: 'static;

    /// Called on `mkdir` here: an initialiser of the new group named `name`, or an error, which
    /// `mkdir` returns. May sleep.
    fn make_group(&self, name: &CStr) -> Result<impl PinInit<Group<Self::Child>, Error>>;

    /// Called on `rmdir` of `child`, before configfs drops its reference (the group goes with it
    /// unless the method kept an `Arc` of it). May sleep.
    fn drop_item(&self, _child: ArcBorrow<'_, Group<Self::Child>>) {}
}

/// The group operations of a directory whose data is `Parent`.
pub(super) struct GroupOperationsTable<Parent>(PhantomData<Parent>);

impl<Parent: GroupOperations> GroupOperationsTable<Parent>
where
    Parent::Child: Send + Sync,
{
    pub(super) const TABLE: bindings::configfs_group_operations = {
        // SAFETY: no operation is all zeroes, which C reads as "none" (every field is a pointer).
        let mut table: bindings::configfs_group_operations = unsafe { core::mem::zeroed() };
        table.make_group = Some(Self::make_group);
        table.drop_item = Some(Self::drop_item);
        table
    };

    /// # Safety
    ///
    /// `parent` is the group of a registered `Subsystem<Parent>` or a held `Group<Parent>`;
    /// `name` a NUL-terminated string.
    unsafe extern "C" fn make_group(
        parent: *mut bindings::config_group,
        name: *const c_char,
    ) -> *mut bindings::config_group {
        // SAFETY: the caller's guarantees; configfs holds the parent during the call.
        let in_subsystem = unsafe { is_subsystem(parent) };
        if in_subsystem {
            // SAFETY: the group of a registered `Subsystem<Parent>` (the caller's guarantee, and it
            // is a subsystem's own).
            let dying = unsafe { &*core::ptr::addr_of!((*Subsystem::<Parent>::container_of(parent)).dying) };
            // configfs calls under the subsystem's mutex, which orders `dying` (see its drop).
            if dying.load(Ordering::Relaxed) {
                return ENODEV.to_ptr();
            }
        }
        // SAFETY: the caller's guarantees; configfs holds the parent during the call.
        let data = unsafe { group_data::<Parent>(parent) };
        // SAFETY: `name` is NUL-terminated and lives through the call.
        let name = unsafe { CStr::from_ptr(name) };
        let child =
            data.make_group(name).and_then(|init| Arc::<Group<Parent::Child>>::pin_init(init, GFP_KERNEL));
        match child {
            // The reference configfs holds (given back in `release`).
            // SAFETY: `into_raw` gives a pointer to a live `Group`.
            Ok(child) => unsafe { Group::group(Arc::into_raw(child)) }.cast_mut(),
            Err(e) => e.to_ptr(),
        }
    }

    /// # Safety
    ///
    /// As for `make_group`, and `item` is the item of a group `make_group` made here.
    unsafe extern "C" fn drop_item(parent: *mut bindings::config_group, item: *mut bindings::config_item) {
        if Parent::HAS_DROP_ITEM {
            // SAFETY: the caller's guarantees; configfs holds both during the call.
            let data = unsafe { group_data::<Parent>(parent) };
            let group = crate::container_of!(item, bindings::config_group, cg_item);
            // SAFETY: `group` is a `Group<Parent::Child>` in an `Arc` (from `make_group`),
            // which configfs's reference keeps alive through the call.
            let child = unsafe { ArcBorrow::from_raw(Group::<Parent::Child>::container_of(group)) };
            data.drop_item(child);
        }
        // SAFETY: what configfs expects of `drop_item`: dropping its reference.
        unsafe { bindings::config_item_put(item) };
    }
}

/// The item operations of `Container`: only a group's release.
pub(super) struct ItemOperationsTable<Container>(PhantomData<Container>);

impl<Data: Send + Sync> ItemOperationsTable<Group<Data>> {
    pub(super) const TABLE: bindings::configfs_item_operations = {
        // SAFETY: as for the group operations.
        let mut table: bindings::configfs_item_operations = unsafe { core::mem::zeroed() };
        table.release = Some(Self::release);
        table
    };

    /// # Safety
    ///
    /// `item` is the item of a `Group<Data>` whose last reference goes.
    unsafe extern "C" fn release(item: *mut bindings::config_item) {
        let group = crate::container_of!(item, bindings::config_group, cg_item);
        // SAFETY: the reference `make_group` gave configfs, given back.
        drop(unsafe { Arc::from_raw(Group::<Data>::container_of(group)) });
    }
}

impl<Data> ItemOperationsTable<Subsystem<Data>> {
    // No release: a subsystem's memory is its owner's, which drops it after unregistering (its last
    // reference goes then, freeing only the name).
    pub(super) const TABLE: bindings::configfs_item_operations =
        // SAFETY: as for the group operations.
        unsafe { core::mem::zeroed() };
}
