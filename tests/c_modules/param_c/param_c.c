// SPDX-License-Identifier: GPL-2.0
/*
 * The C twin of param_test: the same parameters, declared the C way, for the types C has. The
 * tests load both with the same values and expect the same results (sysfs text, insmod errors).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool p_bool = true;
module_param(p_bool, bool, 0644);
static unsigned char p_u8 = 8;
module_param(p_u8, byte, 0444);
static short p_i16 = -16;
module_param(p_i16, short, 0640);
static unsigned short p_u16 = 16;
module_param(p_u16, ushort, 0600);
static int p_i32 = -32;
module_param(p_i32, int, 0644);
static unsigned int p_u32 = 32;
module_param(p_u32, uint, 0644);
static long p_i64 = -64;
module_param(p_i64, long, 0644);
static unsigned long long p_u64 = 64;
module_param(p_u64, ullong, 0400);
static long p_isize = -1;
module_param(p_isize, long, 0644);
static unsigned long p_usize = 1;
module_param(p_usize, ulong, 0644);
static char *p_str = "default";
module_param(p_str, charp, 0644);
static char *p_ro_str = "fixed";
module_param(p_ro_str, charp, 0444);
static int a_i32[4] = { 1, 2 };
static unsigned int a_i32_len = 2;
module_param_array(a_i32, int, &a_i32_len, 0644);
static unsigned long long a_u64[2];
static unsigned int a_u64_len;
module_param_array(a_u64, ullong, &a_u64_len, 0444);
static bool a_bool[3] = { true };
static unsigned int a_bool_len = 1;
module_param_array(a_bool, bool, &a_bool_len, 0644);
static unsigned int hidden = 7;
module_param(hidden, uint, 0);

static int __init param_c_init(void)
{
	return 0;
}
module_init(param_c_init);

static void __exit param_c_exit(void)
{
}
module_exit(param_c_exit);

MODULE_DESCRIPTION("Test module: the C twin of param_test's parameters");
MODULE_LICENSE("GPL");
