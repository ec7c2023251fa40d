"""kernel::mm::virt and kernel::page through a misc device's `mmap`: the test module mmap_test
maps a page per open file (and writes it from user memory on an ioctl), and
tests/guest/mmap_test.c checks what a process sees."""

from harness import compile_checks, guest_program

MODULES = ["tests/modules/mmap_test"]


def guest_steps(guest, modules, kernel):
    if "mmap_test" in modules:
        guest.add(guest_program("mmap_test", arch=kernel.arch))
        guest.step("mmap", "insmod /mmap_test.ko && /mmap_test; echo \"program status $?\"; "
                           "rmmod mmap_test; echo \"rmmod status $?\"")


def guest_checks(results, kernel, guest):
    out = guest.output("mmap")
    lines = [l.strip() for l in out.splitlines()]
    expected = ["mapped: rust_mmap_test page of open 1", "rest zero: yes",
                "writable mapping: Invalid argument", "two pages: Invalid argument",
                "mprotect writable: Permission denied", "ioctl write: done", "seen at 64: written from user space",
                "across the end: Invalid argument", "unreadable source: Bad address",
                "after close: rust_mmap_test page of open 1",
                "second file: rust_mmap_test page of open 2", "program status 0", "rmmod status 0"]
    results.check(f"{kernel.name}: a misc device's mmap maps its page read-only into the process, refuses write "
                  "access and a wrong size, and the page outlives its file while mapped; Page::"
                  "copy_from_user_slice_raw writes it from user memory within its bounds",
                  lines == expected, out)


# What the mapping types refuse: inserting a page before the mapping has VM_MIXEDMAP, and
# keeping a mapping past the `mmap` call that lent it.
CRATE = """#![no_std]
use kernel::mm::virt::{{VmaMixedMap, VmaNew}};
use kernel::page::Page;
{items}
"""
CASES = [
    ("inserting a page into a mapping set to VM_MIXEDMAP (the control)",
     "pub fn map(vma: &VmaNew, page: &Page) -> kernel::error::Result "
     "{ vma.set_mixedmap().vm_insert_page(vma.start(), page) }", None),
    ("inserting a page before VM_MIXEDMAP is set",
     "pub fn map(vma: &VmaNew, page: &Page) -> kernel::error::Result { vma.vm_insert_page(vma.start(), page) }",
     "E0599"),
    ("keeping a mapping past the call that lent it",
     "pub fn keep(vma: &VmaNew, slot: &mut Option<&'static VmaMixedMap>) { *slot = Some(vma.set_mixedmap()); }",
     "lifetime"),
]


def host_checks(results, toolchain, kernel):
    compile_checks(results, toolchain, kernel, "the mapping API",
                   [(what, CRATE.format(items=items), error) for what, items, error in CASES])
