/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types the C helpers (helpers.c) and the kernel crate share: defined once here, bound by
 * kernel-sys (headers.h) and included by wrapper.h.
 */
#ifndef KMOD_RS_H
#define KMOD_RS_H

#include <linux/list.h>
#include <linux/workqueue.h>

/*
 * A delayed work item of kernel::workqueue::DelayedWork. Its work function is
 * kmod_rs_delayed_work_fn(), which takes it off the module's list of delayed work, then calls
 * `run` (the Rust function of the item's pointer type); the unload cancels the items still on
 * the list, and `drop` gives up the queue's pointer to such an item without running it.
 */
struct kmod_rs_delayed_work {
	struct delayed_work dwork;
	/* On the module's list from its queueing until its work function starts (empty otherwise). */
	struct list_head node;
	work_func_t run;
	work_func_t drop;
};

#endif /* KMOD_RS_H */
