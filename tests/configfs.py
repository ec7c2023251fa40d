"""kernel::configfs beyond upstream's rust_configfs sample (tests/upstream_samples.py): the test
module configfs_test's groups, their removal and failing attributes, as user space sees them; and
what configfs_attrs! and the traits refuse at compile time."""

from harness import compile_checks, message_text

MODULE = "tests/modules/configfs_test"


def available(kernel):
    """Whether the kernel has configfs (built in or a module; the debug kernel has none)."""
    return kernel.configured("CONFIG_CONFIGFS_FS")


def modules_for(kernel):
    return [MODULE] if available(kernel) else []


def mount(guest, kernel):
    """A guest step, once per boot, that loads configfs where it is a module (every Debian kernel:
    the kernel's own configfs.ko) and mounts it."""
    if any(name == "configfs" for name, _ in guest.steps):
        return
    load = ""
    if kernel.config.get("CONFIG_CONFIGFS_FS") == "m":
        guest.add(kernel.own_module("configfs"))
        load = "insmod /configfs.ko && "
    guest.step("configfs", f"{load}mount -t configfs none /sys/kernel/config; echo \"mount status $?\"")


D = "/sys/kernel/config/configfs_test"
STEPS = "; ".join([
    "insmod /configfs_test.ko; echo \"insmod status $?\"",
    f"C={D}; echo \"counts: $(cat $C/counts)\"",
    "cat $C/big >/dev/null 2>&1; echo \"big read status $?\"",
    "mkdir $C/refused 2>/dev/null; echo \"refused mkdir status $?\"",
    "mkdir $C/one && echo 5 > $C/one/value; echo \"value: $(cat $C/one/value)\"",
    "echo five 2>/dev/null > $C/one/value; echo \"bad store status $?, value: $(cat $C/one/value)\"",
    "exec 3< $C/one/value; rmdir $C/one; echo \"rmdir status $?, counts: $(cat $C/counts)\"",
    "cat <&3 >/dev/null 2>&1; echo \"read after rmdir status $?\"",
    "echo 'configfs_test: closing' > /dev/kmsg; exec 3<&-",
    # The second subsystem, dropped while a group made in it exists: the drop waits for its
    # rmdir (the write blocks meanwhile), and mkdir in it fails.
    "D=/sys/kernel/config/configfs_test_dynamic; mkdir $D/held; echo \"dynamic: $(cat $C/drop_dynamic)\"",
    "(echo 1 > $C/drop_dynamic; echo \"drop status $?\") & sleep 1",
    "mkdir $D/more 2>/dev/null; echo \"mkdir while dropping status $?\"",
    "[ -d $D/held ] && echo 'held still there'; rmdir $D/held; wait",
    "[ -e $D ] || echo 'dynamic subsystem removed'; echo \"dynamic: $(cat $C/drop_dynamic)\"",
    "rmmod configfs_test; echo \"rmmod status $?\"",
])


def guest_steps(guest, modules, kernel):
    if "configfs_test" in modules:
        mount(guest, kernel)
        guest.step("configfs-test", STEPS)


def guest_checks(results, kernel, guest):
    if not available(kernel):
        return
    out = guest.output("configfs-test")
    lines = [l.strip() for l in out.splitlines()]
    results.check(f"{kernel.name}: kernel::configfs attributes refuse bad input and a show longer than configfs "
                  "takes; make_group refuses; rmdir calls drop_item", lines == [
                      "insmod status 0", "counts: made=0 removed=0", "big read status 1", "refused mkdir status 1",
                      "value: 5", "bad store status 1, value: 5", "rmdir status 0, counts: made=1 removed=1",
                      "read after rmdir status 1", "dynamic: true", "mkdir while dropping status 1",
                      "held still there", "drop status 0", "dynamic subsystem removed", "dynamic: false",
                      "rmmod status 0"], out)
    texts = [message_text(l) for l in guest.dmesg("configfs-test").splitlines()]
    said = [t for t in texts if t.startswith("configfs_test: ")]
    results.check(f"{kernel.name}: rmdir drops a configfs group's data, after drop_item, though one of its "
                  "files is open (configfs holds no reference for it), with no warning from configfs", said == [
                      "configfs_test: drop_item", "configfs_test: one dropped", "configfs_test: closing",
                      "configfs_test: dynamic subsystem dropped"]
                  and not any("WARNING" in t for t in texts), "\n".join(texts))
    waiting = "rust_kernel: configfs: a subsystem is dropped while groups made in it exist: waiting for their rmdir"
    results.check(f"{kernel.name}: a configfs subsystem dropped while a group made in it exists says so, refuses "
                  "mkdir and waits for the rmdir before it goes",
                  texts.count(waiting) == 1 and "mkdir while dropping status 1" in lines
                  and lines.index("held still there") < lines.index("drop status 0"), "\n".join(texts))

CRATE = """#![no_std]
use kernel::configfs::{{self, configfs_attrs, AttributeOperations, Group, GroupOperations, Subsystem}};
use kernel::page::PAGE_SIZE;
use kernel::prelude::*;
// What module! defines in a module crate.
// SAFETY: null is allowed (no module).
static THIS_MODULE: kernel::ThisModule = unsafe {{ kernel::ThisModule::from_ptr(core::ptr::null_mut()) }};
pub struct Leaf;
#[vtable]
impl AttributeOperations<0> for Leaf {{
    type Data = Leaf;
    fn show(_data: &Leaf, _page: &mut [u8; PAGE_SIZE]) -> Result<usize> {{ Ok(0) }}
}}
pub struct Top{fields};
#[vtable]
impl AttributeOperations<0> for Top {{
    type Data = Top;
    fn show(_data: &Top, _page: &mut [u8; PAGE_SIZE]) -> Result<usize> {{ Ok(0) }}
    fn store(_data: &Top, _page: &[u8]) -> Result {{ Ok(()) }}
}}
{items}
"""
GROUPS = """
#[vtable]
impl GroupOperations for Top {
    type Child = Leaf;
    fn make_group(&self, name: &CStr) -> Result<impl PinInit<Group<Leaf>, Error>> {
        let item_type = configfs_attrs! { container: Group<Leaf>, data: Leaf, attributes: [leaf: 0] };
        Ok(Group::new(name.try_into()?, item_type, Ok::<_, Error>(Leaf)))
    }
}
"""
SUBSYSTEM = """
pub fn subsystem() -> impl PinInit<Subsystem<Top>, Error> {{
    let item_type = configfs_attrs! {{ container: Subsystem<Top>, data: Top, {child}attributes: [{attributes}] }};
    Subsystem::new(c"top", item_type, Ok::<_, Error>(Top{init}))
}}
"""
CASES = [
    ("a subsystem of `Sync` data, its attributes, and a child group (the control)",
     "", GROUPS + SUBSYSTEM.format(child="child: Leaf, ", attributes="a: 0, b: 0", init=""), None),
    ("an attribute whose number no `AttributeOperations` impl has",
     "", SUBSYSTEM.format(child="", attributes="a: 0, b: 1", init=""), "AttributeOperations<1>"),
    ("a child without the data's `GroupOperations` (what mkdir would make)",
     "", SUBSYSTEM.format(child="child: Leaf, ", attributes="a: 0", init=""), "GroupOperations"),
    ("data that is not `Sync` (attribute files are read and written concurrently)",
     " { _c: core::cell::Cell<u32> }",
     SUBSYSTEM.format(child="", attributes="a: 0", init=" { _c: core::cell::Cell::new(0) }"),
     "cannot be shared between threads safely"),
]


def host_checks(results, toolchain, kernel):
    compile_checks(results, toolchain, kernel, "configfs",
                   [(what, CRATE.format(fields=fields, items=items), error) for what, fields, items, error in CASES])
