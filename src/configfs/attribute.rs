//! configfs attribute files, and the item type that lists a directory's: built at compile time
//! by [`configfs_attrs!`](crate::configfs_attrs).

use super::group::{group_data, GroupOperationsTable, ItemOperationsTable};
use super::{Group, GroupOperations, Subsystem};
use crate::bindings;
use crate::error::{code::EINVAL, code::EIO, Result};
use crate::module::ThisModule;
use crate::page::PAGE_SIZE;
use crate::str::CStr;
use crate::vtable;
use core::ffi::{c_char, c_void};
use core::marker::PhantomData;
use core::ptr::null_mut;

/// The most a `show` may return: configfs's `SIMPLE_ATTR_SIZE` (private to fs/configfs/file.c),
/// beyond which it warns and fails the read.
const SHOW_LIMIT: usize = 4096;

/// What reading and writing the attribute file number `ID` of a directory whose data is
/// `Self::Data` do (upstream's name and shape): implemented with `#[vtable]` on the data type,
/// once per attribute, and named by its `ID` in [`configfs_attrs!`](crate::configfs_attrs).
#[vtable]
pub trait AttributeOperations<const ID: u64 = 0> {
    /// The data of the directory (the type the trait is implemented on).
    type Data;

    /// Called on a read of the file: writes its contents into `page` and returns their length
    /// (at most 4096 bytes; more fails the read with `EIO`). May sleep.
    fn show(data: &Self::Data, page: &mut [u8; PAGE_SIZE]) -> Result<usize>;

    /// Called on a write to the file, with everything written at once (at most 4095 bytes).
    /// Without it the file is read-only. May sleep.
    fn store(_data: &Self::Data, _page: &[u8]) -> Result {
        Err(EINVAL)
    }
}

/// A configfs attribute: the file named `name` in a directory whose data is `Data`, read and
/// written by `O`'s [`AttributeOperations<ID>`] (upstream's name and shape). Declared by
/// [`configfs_attrs!`](crate::configfs_attrs), in a `static`.
#[repr(transparent)]
pub struct Attribute<const ID: u64, O, Data> {
    attribute: bindings::configfs_attribute,
    _operations: PhantomData<(O, Data)>,
}

// SAFETY: never changed after its constant initialisation; C only reads it.
unsafe impl<const ID: u64, O, Data> Sync for Attribute<ID, O, Data> {}

impl<const ID: u64, O, Data> Attribute<ID, O, Data>
where
    O: AttributeOperations<ID, Data = Data>,
    Data: Sync,
{
    /// The attribute file `name`: readable, and writable by its owner if `O` has `store`.
    pub const fn new(name: &'static CStr) -> Self {
        // SAFETY: a zeroed attribute has no owner and no operations; the fields C reads are set
        // below.
        let mut attribute: bindings::configfs_attribute = unsafe { core::mem::zeroed() };
        attribute.ca_name = name.as_ptr();
        attribute.ca_mode = if O::HAS_STORE { 0o644 } else { 0o444 };
        attribute.show = Some(Self::show);
        attribute.store = if O::HAS_STORE { Some(Self::store) } else { None };
        Attribute { attribute, _operations: PhantomData }
    }

    /// # Safety
    ///
    /// `item` is the item of a directory whose data is `Data` (an item type lists this attribute
    /// only for such directories); `page` a writable page.
    unsafe extern "C" fn show(item: *mut bindings::config_item, page: *mut c_char) -> isize {
        let group = crate::container_of!(item, bindings::config_group, cg_item);
        // SAFETY: the caller's guarantee; configfs holds the directory during the call.
        let data = unsafe { group_data::<Data>(group) };
        // SAFETY: configfs gives a whole page, which nothing else touches during the call.
        let page = unsafe { &mut *page.cast::<[u8; PAGE_SIZE]>() };
        match O::show(data, page) {
            Ok(len) if len <= SHOW_LIMIT.min(PAGE_SIZE) => len as isize,
            Ok(_) => EIO.to_errno() as isize,
            Err(e) => e.to_errno() as isize,
        }
    }

    /// # Safety
    ///
    /// As for `show`, and `page` holds `len` readable bytes.
    unsafe extern "C" fn store(item: *mut bindings::config_item, page: *const c_char, len: usize) -> isize {
        let group = crate::container_of!(item, bindings::config_group, cg_item);
        // SAFETY: as in `show`.
        let data = unsafe { group_data::<Data>(group) };
        // SAFETY: `page` holds `len` bytes, unchanged during the call.
        let page = unsafe { core::slice::from_raw_parts(page.cast::<u8>(), len) };
        match O::store(data, page) {
            Ok(()) => len as isize,
            Err(e) => e.to_errno() as isize,
        }
    }
}

/// One entry of an [`AttributeList`]: an attribute of `Data`'s directory, or the end.
#[doc(hidden)]
pub struct AttributeEntry<Data>(*mut c_void, PhantomData<Data>);

impl<Data> AttributeEntry<Data> {
    /// The end of the list.
    pub const END: Self = AttributeEntry(null_mut(), PhantomData);

    /// An entry for `attribute`.
    pub const fn new<const ID: u64, O>(attribute: &'static Attribute<ID, O, Data>) -> Self
    where
        O: AttributeOperations<ID, Data = Data>,
    {
        AttributeEntry(core::ptr::from_ref(attribute).cast_mut().cast(), PhantomData)
    }
}

/// The attribute files of a directory whose data is `Data`: `N - 1` attributes and the null
/// that ends the list (upstream's name). Declared by [`configfs_attrs!`](crate::configfs_attrs).
///
/// # Invariants
///
/// The last entry is null, every other one an [`Attribute`] of `Data`.
#[repr(transparent)]
pub struct AttributeList<const N: usize, Data>([*mut c_void; N], PhantomData<Data>);

// SAFETY: never changed after its constant initialisation; the attributes are `Sync`.
unsafe impl<const N: usize, Data> Sync for AttributeList<N, Data> {}

impl<const N: usize, Data> AttributeList<N, Data> {
    /// The list of `entries`, whose last must be [`AttributeEntry::END`] and only the last
    /// (checked when the constant is evaluated, so at compile time).
    #[doc(hidden)]
    pub const fn new(entries: [AttributeEntry<Data>; N]) -> Self {
        let mut pointers = [null_mut(); N];
        let mut i = 0;
        while i < N {
            assert!(entries[i].0.is_null() == (i == N - 1), "an attribute list ends with its only END");
            pointers[i] = entries[i].0;
            i += 1;
        }
        // INVARIANT: checked above; the entries are attributes of `Data` by their type.
        AttributeList(pointers, PhantomData)
    }
}

/// The type of a configfs directory, `Container` (a [`Subsystem`] or a [`Group`]) with `Data`:
/// its attribute files and what `mkdir` does in it (upstream's name). Declared by
/// [`configfs_attrs!`](crate::configfs_attrs), in a `static`.
#[repr(transparent)]
pub struct ItemType<Container, Data> {
    item_type: bindings::config_item_type,
    _container: PhantomData<(Container, Data)>,
}

// SAFETY: never changed after its constant initialisation; C only reads it.
unsafe impl<Container, Data> Sync for ItemType<Container, Data> {}

impl<Container, Data> ItemType<Container, Data> {
    pub(super) const fn as_raw(&self) -> *const bindings::config_item_type {
        &self.item_type
    }

    const fn with<const N: usize>(
        owner: &'static ThisModule,
        attributes: &'static AttributeList<N, Data>,
        item_ops: *const bindings::configfs_item_operations,
        group_ops: *const bindings::configfs_group_operations,
    ) -> Self {
        // SAFETY: no binary attributes, which C reads as null.
        let mut item_type: bindings::config_item_type = unsafe { core::mem::zeroed() };
        // configfs holds `owner` while a group of this type exists.
        item_type.ct_owner = owner.as_ptr();
        item_type.ct_item_ops = item_ops.cast_mut();
        item_type.ct_group_ops = group_ops.cast_mut();
        item_type.ct_attrs = core::ptr::from_ref(&attributes.0).cast_mut().cast();
        ItemType { item_type, _container: PhantomData }
    }
}

/// The constructors of [`ItemType`] for one container: with a child, whose groups `mkdir` makes,
/// or without (`mkdir` fails with `EPERM`).
macro_rules! item_type_constructors {
    ($container:ident, $($data_bound:tt)*) => {
        impl<Data: $($data_bound)*> ItemType<$container<Data>, Data> {
            #[doc(hidden)]
            pub const fn new_with_child_ctor<const N: usize, Child>(
                owner: &'static ThisModule,
                attributes: &'static AttributeList<N, Data>,
            ) -> Self
            where
                Data: GroupOperations<Child = Child>,
                Child: Send + Sync + 'static,
            {
                Self::with(
                    owner,
                    attributes,
                    &ItemOperationsTable::<$container<Data>>::TABLE,
                    &GroupOperationsTable::<Data>::TABLE,
                )
            }

            #[doc(hidden)]
            pub const fn new<const N: usize>(
                owner: &'static ThisModule,
                attributes: &'static AttributeList<N, Data>,
            ) -> Self {
                Self::with(owner, attributes, &ItemOperationsTable::<$container<Data>>::TABLE, core::ptr::null())
            }
        }
    };
}

item_type_constructors!(Subsystem, Sync);
item_type_constructors!(Group, Send + Sync + 'static);

/// Declares the attribute files of a configfs directory, and what `mkdir` makes in it: a
/// `&'static` [`ItemType`] (upstream's macro and syntax).
///
/// `container` is the directory's type ([`Subsystem<D>`] or [`Group<D>`]), `data` its data
/// `D`; `child`, if given, the data of the groups `mkdir` makes ([`GroupOperations::Child`]);
/// each attribute is the file's name and the `ID` of the [`AttributeOperations<ID>`] impl on `D`
/// that reads and writes it. Used in the module crate (it names the module's `THIS_MODULE`),
/// not in generic code.
///
/// ```ignore
/// let item_type = configfs_attrs! {
///     container: configfs::Group<Child>,
///     data: Child,
///     child: GrandChild,
///     attributes: [name: 0, size: 1],
/// };
/// ```
#[macro_export]
macro_rules! configfs_attrs {
    (
        container: $container:ty,
        data: $data:ty,
        $(child: $child:ty,)?
        attributes: [$($name:ident: $id:literal),* $(,)?] $(,)?
    ) => {{
        const N: usize = <[&str]>::len(&[$(::core::stringify!($name)),*]) + 1;
        static ATTRIBUTES: $crate::configfs::AttributeList<N, $data> = $crate::configfs::AttributeList::new([
            $({
                static ATTRIBUTE: $crate::configfs::Attribute<$id, $data, $data> =
                    $crate::configfs::Attribute::new($crate::c_str!(::core::stringify!($name)));
                $crate::configfs::AttributeEntry::new(&ATTRIBUTE)
            },)*
            $crate::configfs::AttributeEntry::END,
        ]);
        static ITEM_TYPE: $crate::configfs::ItemType<$container, $data> =
            $crate::__configfs_item_type!($container, $data, N, ATTRIBUTES $(, $child)?);
        &ITEM_TYPE
    }};
}

/// The item type [`configfs_attrs!`] declares, with a child's constructor or without.
#[doc(hidden)]
#[macro_export]
macro_rules! __configfs_item_type {
    ($container:ty, $data:ty, $n:ident, $attributes:ident) => {
        $crate::configfs::ItemType::<$container, $data>::new::<$n>(&THIS_MODULE, &$attributes)
    };
    ($container:ty, $data:ty, $n:ident, $attributes:ident, $child:ty) => {
        $crate::configfs::ItemType::<$container, $data>::new_with_child_ctor::<$n, $child>(
            &THIS_MODULE,
            &$attributes,
        )
    };
}
