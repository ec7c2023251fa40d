//! Modules: the [`Module`] trait, [`ThisModule`], and the glue [`module!`](crate::module!)
//! generates around them.

use crate::bindings;
use crate::error::{Error, Result};
use crate::init::{init_from_closure, PinInit};
use core::cell::UnsafeCell;
use core::ffi::c_int;
use core::mem::MaybeUninit;

/// A kernel module: built by `init` when the module is loaded, dropped when it is unloaded.
///
/// Declare the implementing type with [`module!`](crate::module!). Returning `Err(e)` from
/// `init` makes loading fail with that errno (`insmod` reports it). The instance returned is
/// moved into the module's static storage and dropped there on unload; a module type with
/// fields that must not move (a misc device registration, a lock) implements [`InPlaceModule`]
/// instead.
///
/// ```ignore,kernel,no_run
/// struct Counter {
///     start: u64,
/// }
///
/// impl kernel::Module for Counter {
///     fn init(_module: &'static ThisModule) -> Result<Self> {
///         Ok(Counter { start: 42 })
///     }
/// }
///
/// impl Drop for Counter {
///     fn drop(&mut self) {
///         pr_info!("unloading, started at {}\n", self.start);
///     }
/// }
/// ```
pub trait Module: Sized + Sync + Send {
    /// Called once when the module is loaded.
    fn init(module: &'static ThisModule) -> Result<Self>;
}

/// A kernel module initialised in place, where it stays until it is unloaded: what
/// [`module!`](crate::module!) runs. Every [`Module`] is one.
///
/// ```ignore,kernel,no_run
/// #[pin_data]
/// struct Counter {
///     #[pin]
///     count: Mutex<u64>,
/// }
///
/// impl kernel::InPlaceModule for Counter {
///     fn init(_module: &'static ThisModule) -> impl PinInit<Self, Error> {
///         try_pin_init!(Counter { count <- new_mutex!(0) })
///     }
/// }
/// ```
pub trait InPlaceModule: Sync + Send {
    /// An initializer for the module, run once when it is loaded.
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error>;
}

impl<T: Module> InPlaceModule for T {
    fn init(module: &'static ThisModule) -> impl PinInit<Self, Error> {
        let init = move |slot: *mut Self| {
            let instance = <T as Module>::init(module)?;
            // SAFETY: `slot` is valid for writes (the contract of `__pinned_init`).
            unsafe { slot.write(instance) };
            Ok(())
        };
        // SAFETY: the closure initialises the whole slot when it returns `Ok`, and writes
        // nothing when `Module::init` fails.
        unsafe { init_from_closure(init) }
    }
}

/// The running module's `struct module` (C's `THIS_MODULE`).
///
/// [`module!`](crate::module!) defines one as the static `THIS_MODULE` at the crate root. It is
/// what `owner` fields of kernel structures take, so that the kernel holds a reference to the
/// module while one of its files is open.
///
/// # Invariants
///
/// The pointer is null or points to the `struct module` of the module this code is part of,
/// which lives as long as the code can run.
pub struct ThisModule(*mut bindings::module);

// SAFETY: `ThisModule` only hands the pointer to the kernel, which synchronises access to
// `struct module` itself.
unsafe impl Sync for ThisModule {}

impl ThisModule {
    /// Wraps a pointer to a module's `struct module`.
    ///
    /// # Safety
    ///
    /// `ptr` is null or points to the `struct module` of the module this code is part of.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::ThisModule;
    /// // What `module!` generates:
    /// static THIS_MODULE: ThisModule =
    ///     // SAFETY: `__this_module` is this module's own `struct module`.
    ///     unsafe { ThisModule::from_ptr(&raw mut kernel::bindings::__this_module) };
    /// ```
    pub const unsafe fn from_ptr(ptr: *mut bindings::module) -> ThisModule {
        // INVARIANT: guaranteed by the caller.
        ThisModule(ptr)
    }

    /// The raw pointer, for the `owner` fields of kernel structures.
    ///
    /// ```ignore,kernel,no_run
    /// # use kernel::{bindings, ThisModule};
    /// # fn example(fops: &mut bindings::file_operations, module: &ThisModule) {
    /// fops.owner = module.as_ptr();
    /// # }
    /// ```
    pub const fn as_ptr(&self) -> *mut bindings::module {
        self.0
    }
}

/// The `struct module` of the module this code is linked into, usable in constants.
///
/// Every module links its own copy of this crate, so `__this_module` (which Kbuild defines in the
/// module's `.mod.c` file) is always the module's own: this is its `THIS_MODULE`. File operation
/// tables are constants built at compile time and need it for their `owner` field.
pub(crate) const THIS_MODULE_PTR: *mut bindings::module = &raw mut bindings::__this_module;

/// Where [`module!`](crate::module!) keeps the module's instance between `init_module` and
/// `cleanup_module`: a static, so the instance never moves.
///
/// # Invariants
///
/// The cell is written only by `init_module` and `cleanup_module`, which the kernel calls one
/// after the other, never concurrently with each other; it holds an initialised `T` from a
/// successful `init_module` until `cleanup_module`, the only time the kernel calls it.
#[doc(hidden)]
pub struct ModuleSlot<T>(UnsafeCell<MaybeUninit<T>>);

// SAFETY: by the type invariant the cell is only written while nothing else of the module runs;
// sharing `&T` across threads needs `T: Sync`.
unsafe impl<T: Sync> Sync for ModuleSlot<T> {}

impl<T: InPlaceModule> ModuleSlot<T> {
    /// An empty slot.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        ModuleSlot(UnsafeCell::new(MaybeUninit::uninit()))
    }

    /// Runs [`InPlaceModule::init`] in the slot; returns the errno for `init_module`.
    ///
    /// # Safety
    ///
    /// Called only from `init_module` (`module!`'s, or the C one that wraps it when the module
    /// has a workqueue, see [`workqueue::system`](crate::workqueue::system)).
    pub unsafe fn init(&'static self, module: &'static ThisModule) -> c_int {
        let slot = self.0.get().cast::<T>();
        // SAFETY: the kernel runs `init_module` before any other code of the module, so nothing
        // else accesses the slot (type invariant); it is a static, so the object stays pinned.
        match unsafe { T::init(module).__pinned_init(slot) } {
            Ok(()) => 0,
            Err(error) => error.to_errno(),
        }
    }

    /// Drops the instance, in place.
    ///
    /// # Safety
    ///
    /// Called only from `cleanup_module` (`module!`'s, or the C one that wraps it).
    pub unsafe fn exit(&self) {
        // SAFETY: the kernel runs `cleanup_module` once, only after a successful `init_module`,
        // which left the slot initialised (type invariant); nothing uses it afterwards.
        unsafe { core::ptr::drop_in_place(self.0.get().cast::<T>()) };
    }
}
