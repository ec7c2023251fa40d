//! Files: [`File`], an open file as its file operations see it, [`Kiocb`], the I/O request of a
//! `read_iter`/`write_iter`, and [`SeekFrom`], what `lseek()` asks for.

pub mod file;
mod kiocb;

pub use file::{File, SeekFrom};
pub use kiocb::Kiocb;
