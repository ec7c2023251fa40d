/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel headers that kernel-sys binds, and typed constants for macros bindgen cannot
 * evaluate (they contain casts). Each `RUST_CONST_HELPER_X` reaches Rust as the constant `X`.
 */

#include <generated/utsrelease.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/configfs.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#if __has_include(<linux/device/faux.h>)
#include <linux/device/faux.h>
#endif
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/timer.h>
#include <linux/tracepoint-defs.h>
#include <linux/uio.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "kmod_rs.h"

const gfp_t RUST_CONST_HELPER_GFP_ATOMIC = GFP_ATOMIC;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL_ACCOUNT = GFP_KERNEL_ACCOUNT;
const gfp_t RUST_CONST_HELPER_GFP_NOWAIT = GFP_NOWAIT;
const gfp_t RUST_CONST_HELPER___GFP_ZERO = __GFP_ZERO;
const gfp_t RUST_CONST_HELPER___GFP_NOWARN = __GFP_NOWARN;
const gfp_t RUST_CONST_HELPER___GFP_HIGHMEM = __GFP_HIGHMEM;
const size_t RUST_CONST_HELPER_ARCH_KMALLOC_MINALIGN = ARCH_KMALLOC_MINALIGN;
const size_t RUST_CONST_HELPER_PAGE_SIZE = PAGE_SIZE;
const unsigned int RUST_CONST_HELPER_PAGE_SHIFT = PAGE_SHIFT;
const size_t RUST_CONST_HELPER_KMALLOC_MAX_SIZE = KMALLOC_MAX_SIZE;
const size_t RUST_CONST_HELPER_KMALLOC_MAX_CACHE_SIZE = KMALLOC_MAX_CACHE_SIZE;
const size_t RUST_CONST_HELPER_KMALLOC_MIN_SIZE = KMALLOC_MIN_SIZE;
const unsigned int RUST_CONST_HELPER_KMALLOC_SHIFT_LOW = KMALLOC_SHIFT_LOW;
const unsigned int RUST_CONST_HELPER_KMALLOC_NORMAL = KMALLOC_NORMAL;
const gfp_t RUST_CONST_HELPER___GFP_RECLAIMABLE = __GFP_RECLAIMABLE;
const gfp_t RUST_CONST_HELPER___GFP_DMA = __GFP_DMA;
const gfp_t RUST_CONST_HELPER___GFP_ACCOUNT = __GFP_ACCOUNT;
const loff_t RUST_CONST_HELPER_MAX_LFS_FILESIZE = MAX_LFS_FILESIZE;
/* bindgen keeps the first definition of a macro: the UAPI's `HZ` (100), not `CONFIG_HZ`. */
const unsigned long RUST_CONST_HELPER_HZ = HZ;
/*
 * Where iov_iter_count() reads the count: kernel::iov reads it there, as the inline does, in a
 * type kept opaque, whose field has moved between kernels (into an anonymous union).
 */
const size_t RUST_CONST_HELPER_IOV_ITER_COUNT_OFFSET = offsetof(struct iov_iter, count);
const __poll_t RUST_CONST_HELPER_EPOLLIN = EPOLLIN;
const __poll_t RUST_CONST_HELPER_EPOLLOUT = EPOLLOUT;
const __poll_t RUST_CONST_HELPER_EPOLLRDNORM = EPOLLRDNORM;
const __poll_t RUST_CONST_HELPER_EPOLLWRNORM = EPOLLWRNORM;
const __poll_t RUST_CONST_HELPER_EPOLLERR = EPOLLERR;
const __poll_t RUST_CONST_HELPER_EPOLLHUP = EPOLLHUP;
/* Where a sequence file keeps the pointer single_open() was given (kernel::debugfs reads it in a
 * type kept opaque). */
const size_t RUST_CONST_HELPER_SEQ_FILE_PRIVATE_OFFSET = offsetof(struct seq_file, private);
/* The flags of a memory mapping (kernel::mm::virt): bit macros bindgen cannot evaluate from 6.18. */
const vm_flags_t RUST_CONST_HELPER_VM_READ = VM_READ;
const vm_flags_t RUST_CONST_HELPER_VM_WRITE = VM_WRITE;
const vm_flags_t RUST_CONST_HELPER_VM_EXEC = VM_EXEC;
const vm_flags_t RUST_CONST_HELPER_VM_SHARED = VM_SHARED;
const vm_flags_t RUST_CONST_HELPER_VM_MAYREAD = VM_MAYREAD;
const vm_flags_t RUST_CONST_HELPER_VM_MAYWRITE = VM_MAYWRITE;
const vm_flags_t RUST_CONST_HELPER_VM_MAYEXEC = VM_MAYEXEC;
const vm_flags_t RUST_CONST_HELPER_VM_MAYSHARE = VM_MAYSHARE;
const vm_flags_t RUST_CONST_HELPER_VM_PFNMAP = VM_PFNMAP;
const vm_flags_t RUST_CONST_HELPER_VM_IO = VM_IO;
const vm_flags_t RUST_CONST_HELPER_VM_DONTCOPY = VM_DONTCOPY;
const vm_flags_t RUST_CONST_HELPER_VM_DONTEXPAND = VM_DONTEXPAND;
const vm_flags_t RUST_CONST_HELPER_VM_DONTDUMP = VM_DONTDUMP;
const vm_flags_t RUST_CONST_HELPER_VM_MIXEDMAP = VM_MIXEDMAP;
/* Where a mapping's range and flags are, in a type kept opaque (its layout varies widely). */
const size_t RUST_CONST_HELPER_VMA_START_OFFSET = offsetof(struct vm_area_struct, vm_start);
const size_t RUST_CONST_HELPER_VMA_END_OFFSET = offsetof(struct vm_area_struct, vm_end);
const size_t RUST_CONST_HELPER_VMA_FLAGS_OFFSET = offsetof(struct vm_area_struct, vm_flags);
