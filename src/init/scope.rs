//! [`pin_init_scope`] and [`init_scope`]: initialisers made by a fallible closure, as upstream's
//! pin-init library has them (the `pinned-init` release on crates.io predates them).

use pinned_init::{init_from_closure, pin_init_from_closure, Init, PinInit};

/// An initialiser that first runs `make_init`, failing with its error, then the initialiser it
/// returned: for initialisers that need fallible work done first.
///
/// ```ignore,kernel
/// use kernel::init::pin_init_scope;
/// #[pin_data]
/// struct Buffer {
///     len: usize,
///     #[pin]
///     data: Mutex<KVec<u8>>,
/// }
/// fn buffer(len: usize) -> impl PinInit<Buffer, Error> {
///     pin_init_scope(move || {
///         let data = KVec::from_elem(0u8, len, GFP_KERNEL)?;
///         Ok(try_pin_init!(Buffer { len, data <- new_mutex!(data) }))
///     })
/// }
/// let buffer = KBox::pin_init(buffer(64), GFP_KERNEL)?;
/// assert_eq!(buffer.data.lock().len(), buffer.len);
/// ```
pub fn pin_init_scope<T, E, F, I>(make_init: F) -> impl PinInit<T, E>
where
    F: FnOnce() -> Result<I, E>,
    I: PinInit<T, E>,
{
    let run = move |slot: *mut T| {
        let init = make_init()?;
        // SAFETY: `slot` is the slot this initialiser was given, with its guarantees.
        unsafe { init.__pinned_init(slot) }
    };
    // SAFETY: `run` initialises the slot with the returned initialiser, or fails having
    // initialised nothing (before it runs, or as that initialiser fails).
    unsafe { pin_init_from_closure(run) }
}

/// As [`pin_init_scope`], for an initialiser that does not need pinning.
///
/// ```ignore,kernel
/// use kernel::init::init_scope;
/// use kernel::str::CString;
/// struct Config {
///     id: u32,
///     name: CString,
/// }
/// fn config(id: u32) -> impl Init<Config, Error> {
///     init_scope(move || {
///         let name = CString::try_from_fmt(fmt!("dev{id}"))?;
///         Ok(try_init!(Config { id, name }))
///     })
/// }
/// let config = KBox::init(config(3), GFP_KERNEL)?;
/// assert_eq!(config.name.to_bytes(), b"dev3");
/// ```
pub fn init_scope<T, E, F, I>(make_init: F) -> impl Init<T, E>
where
    F: FnOnce() -> Result<I, E>,
    I: Init<T, E>,
{
    let run = move |slot: *mut T| {
        let init = make_init()?;
        // SAFETY: as in `pin_init_scope`.
        unsafe { init.__init(slot) }
    };
    // SAFETY: as in `pin_init_scope`; the value need not be pinned.
    unsafe { init_from_closure(run) }
}
