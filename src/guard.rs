//! One way to survive a panic in code that reads or writes one file.
//!
//! Parsers of hostile files (calamine, docx, zip, PDF) and our own readers and
//! writers can panic on input nobody foresaw. Each file and each output is
//! run through [`guard`], so one bad file becomes a diagnostic for that file
//! and the run goes on with the others.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `work`; a panic in it comes back as its message instead of unwinding
/// further.
pub fn guard<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|panic| panic_text(panic.as_ref()))
}

/// The message of a caught panic.
pub fn panic_text(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_comes_back_as_its_message() {
        assert_eq!(guard(|| 7), Ok(7));
        assert_eq!(
            guard(|| -> u8 { panic!("bad row {}", 3) }),
            Err("bad row 3".into())
        );
        assert_eq!(guard(|| -> u8 { panic!("static") }), Err("static".into()));
    }
}
