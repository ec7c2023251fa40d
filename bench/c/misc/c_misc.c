// SPDX-License-Identifier: GPL-2.0
/*
 * The C twin of examples/rust_misc for the benchmarks: /dev/c_misc, a ring buffer of up to 4096
 * bytes shared by every open file, with the same behaviour and the same ioctls (those of its uapi
 * header, examples/rust_misc/include/uapi/rust_misc.h, on the include path from Kbuild). Written
 * the usual C way: a mutex, two wait queues and misc_register(), with the state of the device in
 * static storage.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include "rust_misc.h"

/* The buffer every open file shares; `lock` protects the fields after it. */
static struct {
	struct mutex lock;
	u8 *data;
	size_t head;	/* where the oldest byte is */
	size_t len;	/* how many bytes are buffered */
	size_t limit;	/* how many bytes may be buffered, 1..RUST_MISC_CAPACITY */
	wait_queue_head_t readable;	/* woken when data arrives */
	wait_queue_head_t writable;	/* woken when room appears */
} ring;

/* The state of one open file. */
struct c_misc_file {
	atomic64_t bytes_read;
	atomic64_t bytes_written;
};

/* How many more bytes fit; read without the lock by wait conditions. */
static size_t ring_space(void)
{
	size_t len = READ_ONCE(ring.len), limit = READ_ONCE(ring.limit);

	return len < limit ? limit - len : 0;
}

/* Whether a write of `count` bytes may go ahead: whole if it can fit, else as soon as a byte fits. */
static bool ring_writable(size_t count)
{
	return ring_space() >= (count <= READ_ONCE(ring.limit) ? count : 1);
}

static int c_misc_open(struct inode *inode, struct file *file)
{
	struct c_misc_file *state = kzalloc(sizeof(*state), GFP_KERNEL);

	if (!state)
		return -ENOMEM;
	file->private_data = state;
	return stream_open(inode, file);
}

static int c_misc_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t c_misc_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct c_misc_file *state = file->private_data;
	size_t count = iov_iter_count(to), n, first;

	if (!count)
		return 0;
	mutex_lock(&ring.lock);
	while (!ring.len) {
		mutex_unlock(&ring.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ring.readable, READ_ONCE(ring.len)))
			return -ERESTARTSYS;
		mutex_lock(&ring.lock);
	}
	n = min(count, ring.len);
	first = min(n, RUST_MISC_CAPACITY - ring.head);
	/* Consumed only once both pieces reached user space: a fault loses no data. */
	if (copy_to_iter(ring.data + ring.head, first, to) + copy_to_iter(ring.data, n - first, to) < n) {
		mutex_unlock(&ring.lock);
		return -EFAULT;
	}
	ring.head = (ring.head + n) % RUST_MISC_CAPACITY;
	ring.len -= n;
	mutex_unlock(&ring.lock);
	wake_up_interruptible(&ring.writable);
	atomic64_add(n, &state->bytes_read);
	return n;
}

static ssize_t c_misc_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct c_misc_file *state = file->private_data;
	size_t count = iov_iter_count(from), n, tail, first;

	if (!count)
		return 0;
	mutex_lock(&ring.lock);
	while (!ring_writable(count)) {
		mutex_unlock(&ring.lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(ring.writable, ring_writable(count)))
			return -ERESTARTSYS;
		mutex_lock(&ring.lock);
	}
	n = min(count, ring_space());
	tail = (ring.head + ring.len) % RUST_MISC_CAPACITY;
	first = min(n, RUST_MISC_CAPACITY - tail);
	/* Stored only once both pieces arrived: a fault adds nothing. */
	if (copy_from_iter(ring.data + tail, first, from) + copy_from_iter(ring.data, n - first, from) < n) {
		mutex_unlock(&ring.lock);
		return -EFAULT;
	}
	ring.len += n;
	mutex_unlock(&ring.lock);
	wake_up_interruptible(&ring.readable);
	atomic64_add(n, &state->bytes_written);
	return n;
}

static int c_misc_set_limit(u32 limit, u32 *old)
{
	if (limit < 1 || limit > RUST_MISC_CAPACITY)
		return -EINVAL;
	mutex_lock(&ring.lock);
	*old = ring.limit;
	ring.limit = limit;
	mutex_unlock(&ring.lock);
	wake_up_interruptible(&ring.writable);
	return 0;
}

static long c_misc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct c_misc_file *state = file->private_data;
	u32 __user *argp = (u32 __user *)arg;
	struct rust_misc_stats stats;
	u32 value, old;
	int ret;

	switch (cmd) {
	case RUST_MISC_GET_LEN:
		mutex_lock(&ring.lock);
		value = ring.len;
		mutex_unlock(&ring.lock);
		return put_user(value, argp);
	case RUST_MISC_CLEAR:
		mutex_lock(&ring.lock);
		ring.head = 0;
		ring.len = 0;
		mutex_unlock(&ring.lock);
		wake_up_interruptible(&ring.writable);
		return 0;
	case RUST_MISC_SET_LIMIT:
		if (get_user(value, argp))
			return -EFAULT;
		return c_misc_set_limit(value, &old);
	case RUST_MISC_XCHG_LIMIT:
		if (get_user(value, argp))
			return -EFAULT;
		ret = c_misc_set_limit(value, &old);
		return ret ? ret : put_user(old, argp);
	case RUST_MISC_GET_STATS:
		stats.read = atomic64_read(&state->bytes_read);
		stats.written = atomic64_read(&state->bytes_written);
		return copy_to_user(argp, &stats, sizeof(stats)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static __poll_t c_misc_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &ring.readable, wait);
	poll_wait(file, &ring.writable, wait);
	mutex_lock(&ring.lock);
	if (ring.len)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (ring_space())
		mask |= EPOLLOUT | EPOLLWRNORM;
	mutex_unlock(&ring.lock);
	return mask;
}

static void c_misc_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct c_misc_file *state = file->private_data;

	seq_printf(m, "rust_misc_read:\t%lld\n", (long long)atomic64_read(&state->bytes_read));
	seq_printf(m, "rust_misc_written:\t%lld\n", (long long)atomic64_read(&state->bytes_written));
}

static const struct file_operations c_misc_fops = {
	.owner = THIS_MODULE,
	.open = c_misc_open,
	.release = c_misc_release,
	.read_iter = c_misc_read_iter,
	.write_iter = c_misc_write_iter,
	.show_fdinfo = c_misc_show_fdinfo,
	.unlocked_ioctl = c_misc_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = c_misc_poll,
};

static struct miscdevice c_misc_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "c_misc",
	.fops = &c_misc_fops,
	.mode = 0666,
};

static int __init c_misc_init(void)
{
	int ret;

	mutex_init(&ring.lock);
	init_waitqueue_head(&ring.readable);
	init_waitqueue_head(&ring.writable);
	ring.limit = RUST_MISC_CAPACITY;
	ring.data = kzalloc(RUST_MISC_CAPACITY, GFP_KERNEL);
	if (!ring.data)
		return -ENOMEM;
	ret = misc_register(&c_misc_device);
	if (ret) {
		kfree(ring.data);
		return ret;
	}
	pr_info("registered /dev/c_misc (minor %d)\n", c_misc_device.minor);
	return 0;
}
module_init(c_misc_init);

static void __exit c_misc_exit(void)
{
	pr_info("removing /dev/c_misc\n");
	misc_deregister(&c_misc_device);
	pr_info("buffer freed (%zu bytes unread)\n", ring.len);
	kfree(ring.data);
}
module_exit(c_misc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmod-rs developers");
MODULE_DESCRIPTION("Example misc device: a ring buffer with blocking reads and writes, ioctls and poll");
