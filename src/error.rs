//! Kernel errors: the errno codes, [`Error`] and [`Result`].
//!
//! C reports failure as a negative errno in an `int`, or as an error pointer (`ERR_PTR`). Rust
//! code returns [`Result`] and uses `?`; the conversions at the boundary are [`to_result`],
//! [`from_err_ptr`] and [`Error::to_errno`].
//!
//! ```
//! use kernel::error::{code::EINVAL, to_result, Result};
//!
//! fn check(ret: core::ffi::c_int) -> Result<u32> {
//!     to_result(ret)?;
//!     Ok(ret as u32)
//! }
//! assert_eq!(check(-22), Err(EINVAL));
//! assert_eq!(check(3), Ok(3));
//! ```

use crate::bindings;
use core::ffi::c_int;
use core::fmt;
use core::num::NonZeroI32;

/// Declares the errno constants of [`code`] and their names.
macro_rules! declare_errors {
    ($($name:ident = $value:expr => $doc:literal,)*) => {
        /// The kernel's errno codes as [`Error`] values.
        ///
        /// ```
        /// use kernel::error::code::ENOMEM;
        /// assert_eq!(ENOMEM.to_errno(), -12);
        /// ```
        pub mod code {
            use super::Error;
            use crate::bindings;
            $(
                #[doc = $doc]
                pub const $name: Error = Error::from_const($value as i32);
            )*
        }

        /// The name of a positive errno value, such as `"EINVAL"`.
        fn errno_name(errno: i32) -> Option<&'static str> {
            $( if errno == $value as i32 { return Some(stringify!($name)); } )*
            None
        }
    };
}

declare_errors! {
    EPERM = bindings::EPERM => "Operation not permitted.",
    ENOENT = bindings::ENOENT => "No such file or directory.",
    ESRCH = bindings::ESRCH => "No such process.",
    EINTR = bindings::EINTR => "Interrupted system call.",
    EIO = bindings::EIO => "I/O error.",
    ENXIO = bindings::ENXIO => "No such device or address.",
    E2BIG = bindings::E2BIG => "Argument list too long.",
    ENOEXEC = bindings::ENOEXEC => "Exec format error.",
    EBADF = bindings::EBADF => "Bad file number.",
    ECHILD = bindings::ECHILD => "No child processes.",
    EAGAIN = bindings::EAGAIN => "Try again (also `EWOULDBLOCK`).",
    ENOMEM = bindings::ENOMEM => "Out of memory.",
    EACCES = bindings::EACCES => "Permission denied.",
    EFAULT = bindings::EFAULT => "Bad address.",
    ENOTBLK = bindings::ENOTBLK => "Block device required.",
    EBUSY = bindings::EBUSY => "Device or resource busy.",
    EEXIST = bindings::EEXIST => "File exists.",
    EXDEV = bindings::EXDEV => "Cross-device link.",
    ENODEV = bindings::ENODEV => "No such device.",
    ENOTDIR = bindings::ENOTDIR => "Not a directory.",
    EISDIR = bindings::EISDIR => "Is a directory.",
    EINVAL = bindings::EINVAL => "Invalid argument.",
    ENFILE = bindings::ENFILE => "File table overflow.",
    EMFILE = bindings::EMFILE => "Too many open files.",
    ENOTTY = bindings::ENOTTY => "Not a typewriter (inappropriate ioctl).",
    ETXTBSY = bindings::ETXTBSY => "Text file busy.",
    EFBIG = bindings::EFBIG => "File too large.",
    ENOSPC = bindings::ENOSPC => "No space left on device.",
    ESPIPE = bindings::ESPIPE => "Illegal seek.",
    EROFS = bindings::EROFS => "Read-only file system.",
    EMLINK = bindings::EMLINK => "Too many links.",
    EPIPE = bindings::EPIPE => "Broken pipe.",
    EDOM = bindings::EDOM => "Math argument out of domain of func.",
    ERANGE = bindings::ERANGE => "Math result not representable.",
    EDEADLK = bindings::EDEADLK => "Resource deadlock would occur.",
    ENAMETOOLONG = bindings::ENAMETOOLONG => "File name too long.",
    ENOLCK = bindings::ENOLCK => "No record locks available.",
    ENOSYS = bindings::ENOSYS => "Invalid system call number.",
    ENOTEMPTY = bindings::ENOTEMPTY => "Directory not empty.",
    ELOOP = bindings::ELOOP => "Too many symbolic links encountered.",
    ENOMSG = bindings::ENOMSG => "No message of desired type.",
    EIDRM = bindings::EIDRM => "Identifier removed.",
    ECHRNG = bindings::ECHRNG => "Channel number out of range.",
    EL2NSYNC = bindings::EL2NSYNC => "Level 2 not synchronized.",
    EL3HLT = bindings::EL3HLT => "Level 3 halted.",
    EL3RST = bindings::EL3RST => "Level 3 reset.",
    ELNRNG = bindings::ELNRNG => "Link number out of range.",
    EUNATCH = bindings::EUNATCH => "Protocol driver not attached.",
    ENOCSI = bindings::ENOCSI => "No CSI structure available.",
    EL2HLT = bindings::EL2HLT => "Level 2 halted.",
    EBADE = bindings::EBADE => "Invalid exchange.",
    EBADR = bindings::EBADR => "Invalid request descriptor.",
    EXFULL = bindings::EXFULL => "Exchange full.",
    ENOANO = bindings::ENOANO => "No anode.",
    EBADRQC = bindings::EBADRQC => "Invalid request code.",
    EBADSLT = bindings::EBADSLT => "Invalid slot.",
    EBFONT = bindings::EBFONT => "Bad font file format.",
    ENOSTR = bindings::ENOSTR => "Device not a stream.",
    ENODATA = bindings::ENODATA => "No data available.",
    ETIME = bindings::ETIME => "Timer expired.",
    ENOSR = bindings::ENOSR => "Out of streams resources.",
    ENONET = bindings::ENONET => "Machine is not on the network.",
    ENOPKG = bindings::ENOPKG => "Package not installed.",
    EREMOTE = bindings::EREMOTE => "Object is remote.",
    ENOLINK = bindings::ENOLINK => "Link has been severed.",
    EADV = bindings::EADV => "Advertise error.",
    ESRMNT = bindings::ESRMNT => "Srmount error.",
    ECOMM = bindings::ECOMM => "Communication error on send.",
    EPROTO = bindings::EPROTO => "Protocol error.",
    EMULTIHOP = bindings::EMULTIHOP => "Multihop attempted.",
    EDOTDOT = bindings::EDOTDOT => "RFS specific error.",
    EBADMSG = bindings::EBADMSG => "Not a data message.",
    EOVERFLOW = bindings::EOVERFLOW => "Value too large for defined data type.",
    ENOTUNIQ = bindings::ENOTUNIQ => "Name not unique on network.",
    EBADFD = bindings::EBADFD => "File descriptor in bad state.",
    EREMCHG = bindings::EREMCHG => "Remote address changed.",
    ELIBACC = bindings::ELIBACC => "Can not access a needed shared library.",
    ELIBBAD = bindings::ELIBBAD => "Accessing a corrupted shared library.",
    ELIBSCN = bindings::ELIBSCN => ".lib section in a.out corrupted.",
    ELIBMAX = bindings::ELIBMAX => "Attempting to link in too many shared libraries.",
    ELIBEXEC = bindings::ELIBEXEC => "Cannot exec a shared library directly.",
    EILSEQ = bindings::EILSEQ => "Illegal byte sequence.",
    ERESTART = bindings::ERESTART => "Interrupted system call should be restarted.",
    ESTRPIPE = bindings::ESTRPIPE => "Streams pipe error.",
    EUSERS = bindings::EUSERS => "Too many users.",
    ENOTSOCK = bindings::ENOTSOCK => "Socket operation on non-socket.",
    EDESTADDRREQ = bindings::EDESTADDRREQ => "Destination address required.",
    EMSGSIZE = bindings::EMSGSIZE => "Message too long.",
    EPROTOTYPE = bindings::EPROTOTYPE => "Protocol wrong type for socket.",
    ENOPROTOOPT = bindings::ENOPROTOOPT => "Protocol not available.",
    EPROTONOSUPPORT = bindings::EPROTONOSUPPORT => "Protocol not supported.",
    ESOCKTNOSUPPORT = bindings::ESOCKTNOSUPPORT => "Socket type not supported.",
    EOPNOTSUPP = bindings::EOPNOTSUPP => "Operation not supported on transport endpoint.",
    EPFNOSUPPORT = bindings::EPFNOSUPPORT => "Protocol family not supported.",
    EAFNOSUPPORT = bindings::EAFNOSUPPORT => "Address family not supported by protocol.",
    EADDRINUSE = bindings::EADDRINUSE => "Address already in use.",
    EADDRNOTAVAIL = bindings::EADDRNOTAVAIL => "Cannot assign requested address.",
    ENETDOWN = bindings::ENETDOWN => "Network is down.",
    ENETUNREACH = bindings::ENETUNREACH => "Network is unreachable.",
    ENETRESET = bindings::ENETRESET => "Network dropped connection because of reset.",
    ECONNABORTED = bindings::ECONNABORTED => "Software caused connection abort.",
    ECONNRESET = bindings::ECONNRESET => "Connection reset by peer.",
    ENOBUFS = bindings::ENOBUFS => "No buffer space available.",
    EISCONN = bindings::EISCONN => "Transport endpoint is already connected.",
    ENOTCONN = bindings::ENOTCONN => "Transport endpoint is not connected.",
    ESHUTDOWN = bindings::ESHUTDOWN => "Cannot send after transport endpoint shutdown.",
    ETOOMANYREFS = bindings::ETOOMANYREFS => "Too many references: cannot splice.",
    ETIMEDOUT = bindings::ETIMEDOUT => "Connection timed out.",
    ECONNREFUSED = bindings::ECONNREFUSED => "Connection refused.",
    EHOSTDOWN = bindings::EHOSTDOWN => "Host is down.",
    EHOSTUNREACH = bindings::EHOSTUNREACH => "No route to host.",
    EALREADY = bindings::EALREADY => "Operation already in progress.",
    EINPROGRESS = bindings::EINPROGRESS => "Operation now in progress.",
    ESTALE = bindings::ESTALE => "Stale file handle.",
    EUCLEAN = bindings::EUCLEAN => "Structure needs cleaning.",
    ENOTNAM = bindings::ENOTNAM => "Not a XENIX named type file.",
    ENAVAIL = bindings::ENAVAIL => "No XENIX semaphores available.",
    EISNAM = bindings::EISNAM => "Is a named type file.",
    EREMOTEIO = bindings::EREMOTEIO => "Remote I/O error.",
    EDQUOT = bindings::EDQUOT => "Quota exceeded.",
    ENOMEDIUM = bindings::ENOMEDIUM => "No medium found.",
    EMEDIUMTYPE = bindings::EMEDIUMTYPE => "Wrong medium type.",
    ECANCELED = bindings::ECANCELED => "Operation Canceled.",
    ENOKEY = bindings::ENOKEY => "Required key not available.",
    EKEYEXPIRED = bindings::EKEYEXPIRED => "Key has expired.",
    EKEYREVOKED = bindings::EKEYREVOKED => "Key has been revoked.",
    EKEYREJECTED = bindings::EKEYREJECTED => "Key was rejected by service.",
    EOWNERDEAD = bindings::EOWNERDEAD => "Owner died.",
    ENOTRECOVERABLE = bindings::ENOTRECOVERABLE => "State not recoverable.",
    ERFKILL = bindings::ERFKILL => "Operation not possible due to RF-kill.",
    EHWPOISON = bindings::EHWPOISON => "Memory page has hardware error.",
    ERESTARTSYS = bindings::ERESTARTSYS => "Restart the system call (kernel internal).",
    ERESTARTNOINTR = bindings::ERESTARTNOINTR => "System call was interrupted; restart it (kernel internal).",
    ERESTARTNOHAND = bindings::ERESTARTNOHAND => "Restart if no handler (kernel internal).",
    ENOIOCTLCMD = bindings::ENOIOCTLCMD => "No ioctl command (kernel internal).",
    ERESTART_RESTARTBLOCK = bindings::ERESTART_RESTARTBLOCK => "Restart by calling sys_restart_syscall (kernel internal).",
    EPROBE_DEFER = bindings::EPROBE_DEFER => "Driver requests probe retry (kernel internal).",
    EOPENSTALE = bindings::EOPENSTALE => "Open found a stale dentry (kernel internal).",
    ENOPARAM = bindings::ENOPARAM => "Parameter not supported (kernel internal).",
    EBADHANDLE = bindings::EBADHANDLE => "Illegal NFS file handle (kernel internal).",
    ENOTSYNC = bindings::ENOTSYNC => "Update synchronization mismatch (kernel internal).",
    EBADCOOKIE = bindings::EBADCOOKIE => "Cookie is stale (kernel internal).",
    ENOTSUPP = bindings::ENOTSUPP => "Operation is not supported (kernel internal).",
    ETOOSMALL = bindings::ETOOSMALL => "Buffer or request is too small (kernel internal).",
    ESERVERFAULT = bindings::ESERVERFAULT => "An untranslatable error occurred (kernel internal).",
    EBADTYPE = bindings::EBADTYPE => "Type not supported by server (kernel internal).",
    EJUKEBOX = bindings::EJUKEBOX => "Request initiated, but will not complete before timeout (kernel internal).",
    EIOCBQUEUED = bindings::EIOCBQUEUED => "iocb queued, will get completion event (kernel internal).",
    ERECALLCONFLICT = bindings::ERECALLCONFLICT => "Conflict with recalled state (kernel internal).",
}

/// The largest errno value; error pointers encode `-1..=-MAX_ERRNO`.
const MAX_ERRNO: i32 = bindings::MAX_ERRNO as i32;

/// A kernel error: an errno code.
///
/// # Invariants
///
/// The value is a valid errno: in `-MAX_ERRNO..=-1`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error(NonZeroI32);

impl Error {
    /// Builds an error from a constant errno (positive, as the C macros define it).
    const fn from_const(errno: i32) -> Error {
        assert!(errno > 0 && errno <= MAX_ERRNO);
        match NonZeroI32::new(-errno) {
            // INVARIANT: checked just above.
            Some(value) => Error(value),
            None => panic!("errno 0 is not an error"),
        }
    }

    /// Converts a negative errno, as C functions return it, into an [`Error`].
    ///
    /// Anything outside `-MAX_ERRNO..=-1` is a bug in the caller; it becomes `EINVAL` rather than
    /// an invalid error.
    ///
    /// ```
    /// use kernel::error::{code, Error};
    /// assert_eq!(Error::from_errno(-12), code::ENOMEM);
    /// assert_eq!(Error::from_errno(5), code::EINVAL);
    /// ```
    pub fn from_errno(errno: c_int) -> Error {
        Error::try_from_errno(errno).unwrap_or(code::EINVAL)
    }

    /// Like [`Error::from_errno`], but `None` for values that are not errors.
    pub fn try_from_errno(errno: c_int) -> Option<Error> {
        if !(-MAX_ERRNO..0).contains(&errno) {
            return None;
        }
        // INVARIANT: `errno` was checked to be in range.
        NonZeroI32::new(errno).map(Error)
    }

    /// The negative errno C expects, e.g. `-22` for `EINVAL`.
    pub fn to_errno(self) -> c_int {
        self.0.get()
    }

    /// The error as an error pointer, as C's `ERR_PTR()` makes it.
    ///
    /// ```
    /// use kernel::error::{code::EBUSY, from_err_ptr};
    /// let ptr = EBUSY.to_ptr::<u8>();
    /// assert_eq!(from_err_ptr(ptr), Err(EBUSY));
    /// ```
    pub fn to_ptr<T>(self) -> *mut T {
        // `ERR_PTR()`: the errno, sign-extended, as an address in the top page.
        self.0.get() as isize as *mut T
    }

    /// The name of the error, such as `"EINVAL"`, if it is a known code.
    pub fn name(&self) -> Option<&'static str> {
        errno_name(-self.0.get())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Error({})", self.0.get()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<crate::alloc::AllocError> for Error {
    fn from(_: crate::alloc::AllocError) -> Error {
        code::ENOMEM
    }
}

impl From<alloc_crate::collections::TryReserveError> for Error {
    fn from(_: alloc_crate::collections::TryReserveError) -> Error {
        code::ENOMEM
    }
}

impl From<core::convert::Infallible> for Error {
    fn from(never: core::convert::Infallible) -> Error {
        match never {}
    }
}

impl From<core::num::TryFromIntError> for Error {
    fn from(_: core::num::TryFromIntError) -> Error {
        code::EINVAL
    }
}

impl From<core::str::Utf8Error> for Error {
    fn from(_: core::str::Utf8Error) -> Error {
        code::EINVAL
    }
}

impl From<fmt::Error> for Error {
    fn from(_: fmt::Error) -> Error {
        code::EINVAL
    }
}

/// The result of a fallible kernel operation.
pub type Result<T = (), E = Error> = core::result::Result<T, E>;

/// Converts a C return value (`0` or positive for success, a negative errno for failure).
pub fn to_result(ret: c_int) -> Result {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
}

/// Converts a pointer that may be an error pointer (C's `IS_ERR()`/`PTR_ERR()`).
///
/// ```
/// use kernel::error::{code::ENOENT, from_err_ptr};
/// let mut value = 7u32;
/// assert_eq!(from_err_ptr(&mut value as *mut u32), Ok(&mut value as *mut u32));
/// assert_eq!(from_err_ptr(ENOENT.to_ptr::<u32>()), Err(ENOENT));
/// ```
pub fn from_err_ptr<T>(ptr: *mut T) -> Result<*mut T> {
    // `IS_ERR()`: the top `MAX_ERRNO` addresses are errors.
    let value = ptr as isize;
    if (-(MAX_ERRNO as isize)..0).contains(&value) {
        return Err(Error::from_errno(value as c_int));
    }
    Ok(ptr)
}

/// Runs `f` and converts its result for C: `0` or the negative errno.
pub fn from_result(f: impl FnOnce() -> Result<c_int>) -> c_int {
    match f() {
        Ok(value) => value,
        Err(e) => e.to_errno(),
    }
}
