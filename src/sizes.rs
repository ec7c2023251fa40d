//! The kernel's size constants (`<linux/sizes.h>`), as `usize`.
//!
//! ```
//! use kernel::sizes::*;
//! assert_eq!(SZ_4K, 4096);
//! assert_eq!(SZ_2M, 512 * SZ_4K);
//! ```

use crate::bindings;

/// One `pub const SZ_x: usize` per name, from the header's value.
macro_rules! sizes {
    ($($name:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "` of `<linux/sizes.h>`.")]
        pub const $name: usize = bindings::$name as usize;
    )*};
}

sizes!(
    SZ_1K, SZ_2K, SZ_4K, SZ_8K, SZ_16K, SZ_32K, SZ_64K, SZ_128K, SZ_256K, SZ_512K, SZ_1M, SZ_2M, SZ_4M,
    SZ_8M, SZ_16M, SZ_32M, SZ_64M, SZ_128M, SZ_256M, SZ_512M, SZ_1G, SZ_2G,
);
