//! Memory management: [`virt`], the memory mappings of a process (`struct vm_area_struct`).

pub mod virt;
