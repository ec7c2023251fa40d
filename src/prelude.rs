//! The items most modules need, for `use kernel::prelude::*;`.
//!
//! ```ignore
//! use kernel::prelude::*;
//! ```

pub use crate::error::{code::*, Error, Result};
pub use crate::module::{Module, ThisModule};
pub use crate::{
    module, pr_alert, pr_cont, pr_crit, pr_debug, pr_emerg, pr_err, pr_info, pr_notice, pr_warn,
};
pub use core::pin::Pin;
