/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C helpers: one function per kernel macro or static inline that Rust needs, named after it
 * with a `kmod_rs_helper_` prefix (Rust sees `kernel::bindings::<name>`). Defined in helpers.c,
 * compiled with the kernel's own compiler and Kbuild flags; bindgen reads this file for their
 * Rust declarations. Grouped by the header the wrapped macro or inline comes from.
 */
#ifndef RUST_HELPERS_WRAPPER_H
#define RUST_HELPERS_WRAPPER_H

#include <linux/bug.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/irqflags.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uio.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* kernel-sys's, shared with Rust (its directory is DEP_KERNEL_INCLUDE, see build.rs). */
#include "kmod_rs.h"

/* <linux/bug.h>. Not __noreturn: the Rust caller follows it with its own `ud2`, for objtool. */
void kmod_rs_helper_BUG(void);

/* <linux/slab.h> */
void *kmod_rs_helper_kmalloc(size_t size, gfp_t flags);
void *kmod_rs_helper_krealloc(const void *objp, size_t new_size, gfp_t flags);
void *kmod_rs_helper_kvmalloc(size_t size, gfp_t flags);

/* <linux/vmalloc.h> */
void *kmod_rs_helper___vmalloc(unsigned long size, gfp_t gfp_mask);

/* <linux/uaccess.h> */
int kmod_rs_helper_get_user_u8(u8 *val, const u8 __user *ptr);
int kmod_rs_helper_get_user_u16(u16 *val, const u16 __user *ptr);
int kmod_rs_helper_get_user_u32(u32 *val, const u32 __user *ptr);
int kmod_rs_helper_get_user_u64(u64 *val, const u64 __user *ptr);
int kmod_rs_helper_put_user_u8(u8 val, u8 __user *ptr);
int kmod_rs_helper_put_user_u16(u16 val, u16 __user *ptr);
int kmod_rs_helper_put_user_u32(u32 val, u32 __user *ptr);
int kmod_rs_helper_put_user_u64(u64 val, u64 __user *ptr);

/* <linux/refcount.h> */
void kmod_rs_helper_refcount_set(refcount_t *r, int n);
void kmod_rs_helper_refcount_inc(refcount_t *r);
bool kmod_rs_helper_refcount_dec_and_test(refcount_t *r);
void kmod_rs_helper_refcount_dec(refcount_t *r);

/* <linux/completion.h> */
void kmod_rs_helper_init_completion(struct completion *x);

/* <linux/mutex.h> */
void kmod_rs_helper___mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key);
void kmod_rs_helper_mutex_lock(struct mutex *lock);
int kmod_rs_helper_mutex_lock_interruptible(struct mutex *lock);

/* <linux/spinlock.h> */
void kmod_rs_helper___spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key);
void kmod_rs_helper_spin_lock(spinlock_t *lock);
void kmod_rs_helper_spin_unlock(spinlock_t *lock);

/* <linux/wait.h>, <linux/sched.h>, <linux/sched/signal.h> */
struct task_struct *kmod_rs_helper_get_current(void);
int kmod_rs_helper_signal_pending(struct task_struct *t);

/* <linux/preempt.h>: whether the CPU runs a task, not an interrupt, softirq or NMI. */
bool kmod_rs_helper_in_task(void);

/* <linux/poll.h> */
void kmod_rs_helper_poll_wait(struct file *filp, wait_queue_head_t *wait_address, poll_table *p);

/* <linux/jiffies.h>, <linux/timer.h> */
u64 kmod_rs_helper_get_jiffies_64(void);
unsigned long kmod_rs_helper_msecs_to_jiffies(unsigned int m);

/* <linux/workqueue.h> */
void kmod_rs_helper_init_work_with_key(struct work_struct *work, work_func_t func, bool onstack,
				    const char *name, struct lock_class_key *key);
bool kmod_rs_helper_queue_work(struct workqueue_struct *wq, struct work_struct *work);

/* <linux/sched/task.h>: a reference to a task_struct. */
void kmod_rs_helper_get_task_struct(struct task_struct *t);
void kmod_rs_helper_put_task_struct(struct task_struct *t);

/*
 * <linux/irqflags.h>; and upstream's interrupt-disable count (helpers.c), which these kernels
 * lack.
 */
bool kmod_rs_helper_irqs_disabled(void);
void kmod_rs_helper_local_interrupt_disable(void);
void kmod_rs_helper_local_interrupt_enable(void);

/* <linux/kernel.h> (<linux/sched.h> on later kernels): a debug check of sleeping contexts. */
void kmod_rs_helper_might_sleep(void);

const char *kmod_rs_helper_dev_name(const struct device *dev);

/* <linux/gfp.h> (alloc_pages() is a macro from 6.10), <linux/highmem.h>, <linux/mm.h> */
struct page *kmod_rs_helper_alloc_pages(gfp_t gfp, unsigned int order);
void *kmod_rs_helper_kmap_local_page(struct page *page);
void kmod_rs_helper_kunmap_local(const void *addr);
int kmod_rs_helper_page_to_nid(const struct page *page);
void kmod_rs_helper_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags);
void kmod_rs_helper_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags);

/* <linux/debugfs.h>: a function before 6.14, a _Generic macro over the kinds of operations since. */
struct dentry *kmod_rs_helper_debugfs_create_file(const char *name, umode_t mode, struct dentry *parent,
						  void *data, const struct file_operations *fops);

/* <kunit/test.h>: a test's result, where KUnit runs the suites (kernel::kunit). */
void kmod_rs_helper_kunit_set_failure(struct kunit *test);
void kmod_rs_helper_kunit_mark_skipped(struct kunit *test, const char *reason);

/* <linux/uaccess.h>: static inlines where the architecture asks for them (arm64, with
 * INLINE_COPY_{FROM,TO}_USER, or INLINE_COPY_USER in 7.x), exported functions elsewhere. */
#if defined(INLINE_COPY_FROM_USER) || defined(INLINE_COPY_USER)
unsigned long kmod_rs_helper__copy_from_user(void *to, const void __user *from, unsigned long n);
#endif
#if defined(INLINE_COPY_TO_USER) || defined(INLINE_COPY_USER)
unsigned long kmod_rs_helper__copy_to_user(void __user *to, const void *from, unsigned long n);
#endif

#endif /* RUST_HELPERS_WRAPPER_H */
