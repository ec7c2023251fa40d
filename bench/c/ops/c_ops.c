// SPDX-License-Identifier: GPL-2.0
/*
 * The C twin of bench/rust/ops: /dev/c_ops, whose ioctls run a kernel operation `arg` times
 * (printing, allocation), so that user space can time the operation with one system call.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#define OPS_PRINTK _IO('b', 1)
#define OPS_ALLOC_64 _IO('b', 2)
#define OPS_ALLOC_4K _IO('b', 3)

static int alloc_free(size_t size, unsigned int iterations)
{
	unsigned int i;
	void *object;

	for (i = 0; i < iterations; i++) {
		object = kmalloc(size, GFP_KERNEL);
		if (!object)
			return -ENOMEM;
		kfree(object);
	}
	return 0;
}

static long c_ops_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	unsigned int i, iterations = arg;

	if (arg > UINT_MAX)
		return -EINVAL;
	switch (cmd) {
	case OPS_PRINTK:
		for (i = 0; i < iterations; i++)
			pr_info("iteration %u of %u\n", i, iterations);
		return 0;
	case OPS_ALLOC_64:
		return alloc_free(64, iterations);
	case OPS_ALLOC_4K:
		return alloc_free(4096, iterations);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations c_ops_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = c_ops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice c_ops_device = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "c_ops",
	.fops = &c_ops_fops,
	.mode = 0666,
};

module_misc_device(c_ops_device);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmod-rs developers");
MODULE_DESCRIPTION("Benchmark module: kernel operations run N times per ioctl (printing, allocation)");
