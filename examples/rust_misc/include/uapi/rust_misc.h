/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The user-space interface of /dev/rust_misc (examples/rust_misc), which /dev/c_misc, its C twin
 * in bench/c/misc, shares: the ioctls and what they exchange. The one C definition, included by
 * the C twin, the guest tests and the benchmark; the Rust module spells the same names with
 * kernel::ioctl in src/uapi.rs, and tests/misc.py checks on the host that every #define here has
 * the same value there.
 */
#ifndef _UAPI_RUST_MISC_H
#define _UAPI_RUST_MISC_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The ioctl type (the driver's letter). */
#define RUST_MISC_IOC_TYPE 'r'

/* The most bytes the buffer holds: the limit it starts with, and the largest one it accepts. */
#define RUST_MISC_CAPACITY 4096

/* What RUST_MISC_GET_STATS copies out: the bytes read and written through the open file. */
struct rust_misc_stats {
	__u64 read;
	__u64 written;
};

/* __u32 out: how many bytes are buffered. */
#define RUST_MISC_GET_LEN _IOR(RUST_MISC_IOC_TYPE, 1, __u32)
/* Discards the buffered data. */
#define RUST_MISC_CLEAR _IO(RUST_MISC_IOC_TYPE, 2)
/* __u32 in: how many bytes the buffer may hold, 1 to RUST_MISC_CAPACITY (else EINVAL). */
#define RUST_MISC_SET_LIMIT _IOW(RUST_MISC_IOC_TYPE, 3, __u32)
/* __u32 in and out: sets the limit as RUST_MISC_SET_LIMIT does and returns the old one. */
#define RUST_MISC_XCHG_LIMIT _IOWR(RUST_MISC_IOC_TYPE, 4, __u32)
/* struct rust_misc_stats out. */
#define RUST_MISC_GET_STATS _IOR(RUST_MISC_IOC_TYPE, 5, struct rust_misc_stats)

#endif /* _UAPI_RUST_MISC_H */
