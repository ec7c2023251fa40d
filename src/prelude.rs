//! The items most modules need, for `use kernel::prelude::*;`.
//!
//! ```ignore,kernel,no_run
//! use kernel::prelude::*;
//! ```

pub use crate::alloc::{flags::*, KBox, KVVec, KVec, VVec, Vec};
pub use crate::error::{code::*, Error, Result};
pub use crate::ffi::{
    c_char, c_int, c_long, c_longlong, c_schar, c_short, c_uchar, c_uint, c_ulong, c_ulonglong, c_ushort,
    c_void,
};
pub use crate::init::{pin_data, pinned_drop, InPlaceInit, InPlaceWrite, Init, PinInit, Zeroable};
pub use crate::module::{InPlaceModule, Module, ThisModule};
pub use crate::str::{CStr, CStrExt as _};
pub use crate::sync::{Arc, CondVar, Mutex, SpinLock, SpinLockIrq};
pub use crate::uaccess::UserPtr;
pub use crate::{build_assert, build_error, const_assert, static_assert};
pub use crate::{
    c_str, dbg, fmt, kunit_tests, module, new_condvar, new_mutex, new_spinlock, new_spinlock_irq, vtable,
};
pub use crate::{dev_alert, dev_crit, dev_dbg, dev_emerg, dev_err, dev_info, dev_notice, dev_warn};
pub use crate::{init, pin_init, stack_pin_init, stack_try_pin_init, try_init, try_pin_init};
pub use crate::{new_timer, new_work};
pub use crate::{pr_alert, pr_cont, pr_crit, pr_debug, pr_emerg, pr_err, pr_info, pr_notice, pr_warn};
pub use core::mem::{align_of, align_of_val, size_of, size_of_val};
pub use core::pin::Pin;
