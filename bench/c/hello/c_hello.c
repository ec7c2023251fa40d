// SPDX-License-Identifier: GPL-2.0
/*
 * The C twin of examples/hello for the benchmarks: the same messages (word for word, so that the
 * string data weighs the same), modinfo fields and `greetings` parameter, written as C modules
 * usually are.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <generated/utsrelease.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static unsigned int greetings = 1;
module_param(greetings, uint, 0444);
MODULE_PARM_DESC(greetings, "How many times to say hello (at most 10)");

static int __init c_hello_init(void)
{
	unsigned int i;

	for (i = 0; i < min(greetings, 10U); i++)
		pr_info("Hello from Rust! (kernel %s)\n", UTS_RELEASE);
	return 0;
}
module_init(c_hello_init);

static void __exit c_hello_exit(void)
{
	pr_info("Goodbye from Rust\n");
}
module_exit(c_hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmod-rs developers");
MODULE_DESCRIPTION("Hello world from Rust, built by Kbuild against a stock kernel");
MODULE_ALIAS("rust-hello");
