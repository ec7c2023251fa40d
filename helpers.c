// SPDX-License-Identifier: GPL-2.0
/*
 * Bodies of the C helpers declared in wrapper.h. Each one only forwards to the macro or inline it
 * is named after, so that Rust calls exactly what C code of this kernel would, whatever the
 * configuration (PREEMPT_RT, lockdep, debug options) makes of it.
 *
 * The helpers come in groups, one per `#ifdef RUST_HELPERS_<GROUP>`. build.rs compiles the file
 * once per group, with only that group defined, so each group is an object of its own and a module
 * links only the groups it calls. A group holds helpers that callers need together; one a caller
 * may need alone is a group of its own.
 */
#include "wrapper.h"
/* LINUX_VERSION_CODE, where a helper's body differs between kernels. */
#include <linux/version.h>

#ifdef RUST_HELPERS_BUG

void kmod_rs_helper_BUG(void)
{
	BUG();
}

#endif /* RUST_HELPERS_BUG */

#ifdef RUST_HELPERS_SLAB

void *kmod_rs_helper_kmalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags);
}

/* A function on 6.1, a macro around krealloc_noprof() since 6.10: the helper serves both. */
void *kmod_rs_helper_krealloc(const void *objp, size_t new_size, gfp_t flags)
{
	return krealloc(objp, new_size, flags);
}

/* A static inline on 6.1, a macro around kvmalloc_node_noprof() since 6.10. */
void *kmod_rs_helper_kvmalloc(size_t size, gfp_t flags)
{
	return kvmalloc(size, flags);
}

#endif /* RUST_HELPERS_SLAB */

#ifdef RUST_HELPERS_VMALLOC

/*
 * A function on 6.1, a macro around __vmalloc_noprof() since 6.10. __vmalloc() rather than
 * vmalloc(), which takes no flags.
 */
void *kmod_rs_helper___vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc(size, gfp_mask);
}

#endif /* RUST_HELPERS_VMALLOC */

/*
 * get_user() and put_user() pick the access by the type of the pointer: one helper per type, so
 * that the value travels in a register, as in C (x86's __get_user_4() and __put_user_4() take it
 * in one), with nothing to dispatch on at run time. Each is a group of its own: a module links
 * the sizes it uses.
 */
#define GET_USER(type)									\
int kmod_rs_helper_get_user_##type(type *val, const type __user *ptr)			\
{											\
	return get_user(*val, ptr);							\
}
#define PUT_USER(type)									\
int kmod_rs_helper_put_user_##type(type val, type __user *ptr)				\
{											\
	return put_user(val, ptr);							\
}

#ifdef RUST_HELPERS_GET_USER_U8
GET_USER(u8)
#endif
#ifdef RUST_HELPERS_GET_USER_U16
GET_USER(u16)
#endif
#ifdef RUST_HELPERS_GET_USER_U32
GET_USER(u32)
#endif
#ifdef RUST_HELPERS_GET_USER_U64
GET_USER(u64)
#endif
#ifdef RUST_HELPERS_PUT_USER_U8
PUT_USER(u8)
#endif
#ifdef RUST_HELPERS_PUT_USER_U16
PUT_USER(u16)
#endif
#ifdef RUST_HELPERS_PUT_USER_U32
PUT_USER(u32)
#endif
#ifdef RUST_HELPERS_PUT_USER_U64
PUT_USER(u64)
#endif

/* One group each: `Arc` needs inc and dec_and_test, `Refcount` all four. */
#ifdef RUST_HELPERS_REFCOUNT_SET
void kmod_rs_helper_refcount_set(refcount_t *r, int n)
{
	refcount_set(r, n);
}
#endif

#ifdef RUST_HELPERS_REFCOUNT_INC
void kmod_rs_helper_refcount_inc(refcount_t *r)
{
	refcount_inc(r);
}
#endif

#ifdef RUST_HELPERS_REFCOUNT_DEC_AND_TEST
bool kmod_rs_helper_refcount_dec_and_test(refcount_t *r)
{
	return refcount_dec_and_test(r);
}
#endif

#ifdef RUST_HELPERS_REFCOUNT_DEC
void kmod_rs_helper_refcount_dec(refcount_t *r)
{
	refcount_dec(r);
}
#endif

#ifdef RUST_HELPERS_COMPLETION

/* A static inline. */
void kmod_rs_helper_init_completion(struct completion *x)
{
	init_completion(x);
}

#endif /* RUST_HELPERS_COMPLETION */

/* One group each: a module that only initialises mutexes links none of the locking ones. */
#ifdef RUST_HELPERS_MUTEX_INIT
/* A function, a macro over the rtmutex on PREEMPT_RT, a static inline on 7.2. */
void kmod_rs_helper___mutex_init(struct mutex *lock, const char *name, struct lock_class_key *key)
{
	__mutex_init(lock, name, key);
}
#endif

/* Macros over mutex_lock_nested() with lockdep (without it Rust calls mutex_lock() itself). */
#ifdef RUST_HELPERS_MUTEX_LOCK
void kmod_rs_helper_mutex_lock(struct mutex *lock)
{
	mutex_lock(lock);
}
#endif

#ifdef RUST_HELPERS_MUTEX_LOCK_INTERRUPTIBLE
int kmod_rs_helper_mutex_lock_interruptible(struct mutex *lock)
{
	return mutex_lock_interruptible(lock);
}
#endif

#ifdef RUST_HELPERS_SPINLOCK

/* spin_lock_init() with the caller's lock class instead of one static key for every lock. */
void kmod_rs_helper___spin_lock_init(spinlock_t *lock, const char *name, struct lock_class_key *key)
{
#if defined(CONFIG_PREEMPT_RT)
	rt_mutex_base_init(&lock->lock);
	__rt_spin_lock_init(lock, name, key, false);
#elif defined(CONFIG_DEBUG_SPINLOCK)
	__raw_spin_lock_init(spinlock_check(lock), name, key, LD_WAIT_CONFIG);
#else
	spin_lock_init(lock);
#endif
}

void kmod_rs_helper_spin_lock(spinlock_t *lock)
{
	spin_lock(lock);
}

void kmod_rs_helper_spin_unlock(spinlock_t *lock)
{
	spin_unlock(lock);
}

#endif /* RUST_HELPERS_SPINLOCK */

/* One group each: waiting code calls both, the timer, thread and parameter code get_current() alone. */
#ifdef RUST_HELPERS_GET_CURRENT
struct task_struct *kmod_rs_helper_get_current(void)
{
	return current;
}
#endif

#ifdef RUST_HELPERS_SIGNAL_PENDING
int kmod_rs_helper_signal_pending(struct task_struct *t)
{
	return signal_pending(t);
}
#endif

/* Apart from the waiting ones: the parameter lock asks it, waiting code does not. */
#ifdef RUST_HELPERS_IN_TASK

bool kmod_rs_helper_in_task(void)
{
	return in_task();
}

#endif /* RUST_HELPERS_IN_TASK */

#ifdef RUST_HELPERS_POLL

void kmod_rs_helper_poll_wait(struct file *filp, wait_queue_head_t *wait_address, poll_table *p)
{
	poll_wait(filp, wait_address, p);
}

#endif /* RUST_HELPERS_POLL */

#ifdef RUST_HELPERS_TIMER

u64 kmod_rs_helper_get_jiffies_64(void)
{
	return get_jiffies_64();
}

unsigned long kmod_rs_helper_msecs_to_jiffies(unsigned int m)
{
	return msecs_to_jiffies(m);
}

#endif /* RUST_HELPERS_TIMER */

#ifdef RUST_HELPERS_WORKQUEUE

/* INIT_WORK() with the caller's lock class and name. */
void kmod_rs_helper_init_work_with_key(struct work_struct *work, work_func_t func, bool onstack,
				    const char *name, struct lock_class_key *key)
{
	__init_work(work, onstack);
	work->data = (atomic_long_t)WORK_DATA_INIT();
	lockdep_init_map(&work->lockdep_map, name, key, 0);
	INIT_LIST_HEAD(&work->entry);
	work->func = func;
}

bool kmod_rs_helper_queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	return queue_work(wq, work);
}

#endif /* RUST_HELPERS_WORKQUEUE */

#ifdef RUST_HELPERS_MODULE_WQ

/*
 * The module's own workqueue, which kernel::workqueue::system() returns, and the module's
 * init_module()/cleanup_module() around those of module! (kmod_rs_init_module() and
 * kmod_rs_cleanup_module()). module! defines init_module and cleanup_module as weak aliases of
 * its two functions; this group replaces them with the strong ones below. ld pulls the group
 * in only to resolve kmod_rs_module_wq, which system() reads: a module that never queues work
 * keeps module!'s functions and has no workqueue.
 *
 * The queue exists from before the module's Rust code runs until after it has all returned:
 * destroy_workqueue() waits for every item queued on it, including those the items queue again,
 * so no work function of the module is queued or running once cleanup_module() returns (or once
 * a failed init_module() does).
 */
#include <linux/module.h>

struct workqueue_struct *kmod_rs_module_wq;

/*
 * Delayed work (kernel::workqueue::DelayedWork) queued and not yet started is on this list, so
 * that the unload can cancel it: a timer left pending would queue the item on a destroyed queue,
 * after the module is gone. Queueing with a delay and adding to the list, and taking an item off
 * as its work function starts, happen under the lock, so an item whose delay is pending is always
 * on the list. From the unload on (`closing`), queueing with a delay fails, so an item that queues
 * itself again periodically stops there.
 */
/* Raw, as the workqueue's own locks: queueing stays possible from hard interrupts on PREEMPT_RT. */
static DEFINE_RAW_SPINLOCK(kmod_rs_delayed_lock);
static LIST_HEAD(kmod_rs_delayed_list);
static bool kmod_rs_delayed_closing;

int kmod_rs_init_module(void);
void kmod_rs_cleanup_module(void);
/* Called from Rust too (kernel::workqueue, for KUnit's runs of the module's suites). */
int kmod_rs_module_wq_create(void);
void kmod_rs_module_wq_destroy(void);

/* system_wq's flags: none, or WQ_PERCPU since 6.17, where the flag says what no flag used to. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define KMOD_RS_SYSTEM_WQ_FLAGS WQ_PERCPU
#else
#define KMOD_RS_SYSTEM_WQ_FLAGS 0
#endif

/*
 * The queue's life, also for the run of a suite where the kernel's KUnit runs the module's
 * suites, before init_module() (kernel::kunit: the suite's suite_init and suite_exit): drained
 * and gone before init_module() makes the module's.
 */
int kmod_rs_module_wq_create(void)
{
	kmod_rs_delayed_closing = false;
	kmod_rs_module_wq = alloc_workqueue("%s", KMOD_RS_SYSTEM_WQ_FLAGS, 0, THIS_MODULE->name);
	return kmod_rs_module_wq ? 0 : -ENOMEM;
}

/* Called from Rust (kernel::workqueue). */
bool kmod_rs_queue_delayed_work(struct workqueue_struct *wq, struct kmod_rs_delayed_work *d, unsigned long delay);
void kmod_rs_delayed_work_fn(struct work_struct *work);

bool kmod_rs_queue_delayed_work(struct workqueue_struct *wq, struct kmod_rs_delayed_work *d, unsigned long delay)
{
	unsigned long flags;
	bool queued;

	raw_spin_lock_irqsave(&kmod_rs_delayed_lock, flags);
	queued = !kmod_rs_delayed_closing && queue_delayed_work(wq, &d->dwork, delay);
	if (queued && list_empty(&d->node))
		list_add_tail(&d->node, &kmod_rs_delayed_list);
	raw_spin_unlock_irqrestore(&kmod_rs_delayed_lock, flags);
	return queued;
}

void kmod_rs_delayed_work_fn(struct work_struct *work)
{
	struct kmod_rs_delayed_work *d = container_of(to_delayed_work(work), struct kmod_rs_delayed_work, dwork);
	work_func_t run = d->run;
	unsigned long flags;

	raw_spin_lock_irqsave(&kmod_rs_delayed_lock, flags);
	/* Queued again with a delay since the workqueue took it to run: stays on the list. */
	if (!delayed_work_pending(&d->dwork))
		list_del_init(&d->node);
	raw_spin_unlock_irqrestore(&kmod_rs_delayed_lock, flags);
	/* Takes the item's pointer back from the queue: `d` may be gone once it returns. */
	run(work);
}

/*
 * Cancels every delayed item not started yet, dropping the queue's pointer to it unrun, and
 * refuses delays from now on. An item not pending any more is starting to run: it keeps its
 * pointer, and its queue's destruction waits for it.
 */
static void kmod_rs_delayed_cancel_all(void)
{
	struct kmod_rs_delayed_work *d;
	unsigned long flags;
	bool cancelled;

	raw_spin_lock_irqsave(&kmod_rs_delayed_lock, flags);
	kmod_rs_delayed_closing = true;
	while ((d = list_first_entry_or_null(&kmod_rs_delayed_list, struct kmod_rs_delayed_work, node))) {
		list_del_init(&d->node);
		cancelled = cancel_delayed_work(&d->dwork);
		raw_spin_unlock_irqrestore(&kmod_rs_delayed_lock, flags);
		/* The pointer is ours now; dropping it may sleep (the item's destructor). */
		if (cancelled)
			d->drop(&d->dwork.work);
		raw_spin_lock_irqsave(&kmod_rs_delayed_lock, flags);
	}
	raw_spin_unlock_irqrestore(&kmod_rs_delayed_lock, flags);
}

void kmod_rs_module_wq_destroy(void)
{
	kmod_rs_delayed_cancel_all();
	destroy_workqueue(kmod_rs_module_wq);
	kmod_rs_module_wq = NULL;
}

int __init init_module(void)
{
	int ret;

	ret = kmod_rs_module_wq_create();
	if (ret)
		return ret;
	ret = kmod_rs_init_module();
	if (ret)
		kmod_rs_module_wq_destroy();
	return ret;
}

void __exit cleanup_module(void)
{
	kmod_rs_cleanup_module();
	kmod_rs_module_wq_destroy();
}

#endif /* RUST_HELPERS_MODULE_WQ */

#ifdef RUST_HELPERS_TASK

void kmod_rs_helper_get_task_struct(struct task_struct *t)
{
	get_task_struct(t);
}

void kmod_rs_helper_put_task_struct(struct task_struct *t)
{
	put_task_struct(t);
}

#endif /* RUST_HELPERS_TASK */

#ifdef RUST_HELPERS_IRQFLAGS

bool kmod_rs_helper_irqs_disabled(void)
{
	return irqs_disabled();
}

/*
 * Upstream's local_interrupt_disable() and local_interrupt_enable() (the interrupt-disable count
 * SpinLockIrq is built on), which these kernels do not have: the first disable on a CPU saves the
 * interrupt state, nested ones only count, and the last enable restores what the first saved, so
 * SpinLockIrq guards may be dropped in any order. Not for PREEMPT_RT, whose spinlock_t sleeps and
 * leaves interrupts alone.
 *
 * The count is per CPU and, the helpers being linked into each module, per module: it covers the
 * Rust guards of one module, which are the ones that can be dropped out of order there (a guard
 * cannot cross into another module's Rust code). Between the first disable and the last enable
 * interrupts are off, so the task stays on its CPU and nothing else on the CPU runs Rust code of
 * this module but interrupt handlers, whose own disables and enables pair up before they return.
 */
struct rust_interrupt_disable_state {
	unsigned long flags;
	unsigned long count;
};

static DEFINE_PER_CPU(struct rust_interrupt_disable_state, rust_interrupt_disable_state);

void kmod_rs_helper_local_interrupt_disable(void)
{
	unsigned long flags;

	local_irq_save(flags);
	if (this_cpu_inc_return(rust_interrupt_disable_state.count) == 1)
		this_cpu_write(rust_interrupt_disable_state.flags, flags);
}

void kmod_rs_helper_local_interrupt_enable(void)
{
	if (WARN_ON_ONCE(!this_cpu_read(rust_interrupt_disable_state.count)))
		return;
	if (this_cpu_dec_return(rust_interrupt_disable_state.count) == 0)
		local_irq_restore(this_cpu_read(rust_interrupt_disable_state.flags));
}

#endif /* RUST_HELPERS_IRQFLAGS */

#ifdef RUST_HELPERS_MIGHT_SLEEP

void kmod_rs_helper_might_sleep(void)
{
	might_sleep();
}

#endif /* RUST_HELPERS_MIGHT_SLEEP */

#ifdef RUST_HELPERS_DEVICE

const char *kmod_rs_helper_dev_name(const struct device *dev)
{
	return dev_name(dev);
}

#endif /* RUST_HELPERS_DEVICE */

#ifdef RUST_HELPERS_PAGE

struct page *kmod_rs_helper_alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages(gfp, order);
}

void *kmod_rs_helper_kmap_local_page(struct page *page)
{
	return kmap_local_page(page);
}

void kmod_rs_helper_kunmap_local(const void *addr)
{
	kunmap_local(addr);
}

int kmod_rs_helper_page_to_nid(const struct page *page)
{
	return page_to_nid(page);
}

#endif /* RUST_HELPERS_PAGE */

#ifdef RUST_HELPERS_MM

/* Before 6.3 (no vm_flags_set()/vm_flags_clear()), the flags were written directly. */
void kmod_rs_helper_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

void kmod_rs_helper_vm_flags_clear(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

#endif /* RUST_HELPERS_MM */

#ifdef RUST_HELPERS_DEBUGFS

struct dentry *kmod_rs_helper_debugfs_create_file(const char *name, umode_t mode, struct dentry *parent,
						  void *data, const struct file_operations *fops)
{
	return debugfs_create_file(name, mode, parent, data, fops);
}

#endif /* RUST_HELPERS_DEBUGFS */

#ifdef RUST_HELPERS_KUNIT

void kmod_rs_helper_kunit_set_failure(struct kunit *test)
{
	kunit_set_failure(test);
}

/* A macro: the reason goes into the test's status comment, which KUnit prints after "# SKIP". */
void kmod_rs_helper_kunit_mark_skipped(struct kunit *test, const char *reason)
{
	kunit_mark_skipped(test, "%s", reason);
}

#endif /* RUST_HELPERS_KUNIT */

#ifdef RUST_HELPERS_USERCOPY

/*
 * Where the architecture inlines them (arm64: INLINE_COPY_{FROM,TO}_USER, one INLINE_COPY_USER
 * in 7.x), the inlines are _copy_{from,to}_user() up to 6.11 and _inline_copy_{from,to}_user()
 * from 6.12, whose _copy_{from,to}_user() are then declared but exported only with CONFIG_RUST
 * (macros for the inlines in 7.x).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define RUST_INLINE_COPY(dir) _inline_copy_##dir##_user
#else
#define RUST_INLINE_COPY(dir) _copy_##dir##_user
#endif

#if defined(INLINE_COPY_FROM_USER) || defined(INLINE_COPY_USER)
unsigned long kmod_rs_helper__copy_from_user(void *to, const void __user *from, unsigned long n)
{
	return RUST_INLINE_COPY(from)(to, from, n);
}
#endif

#if defined(INLINE_COPY_TO_USER) || defined(INLINE_COPY_USER)
unsigned long kmod_rs_helper__copy_to_user(void __user *to, const void *from, unsigned long n)
{
	return RUST_INLINE_COPY(to)(to, from, n);
}
#endif

#endif /* RUST_HELPERS_USERCOPY */
