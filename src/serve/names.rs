//! Upload names as paths: a browser sends each file's name, with the
//! folders above it for a folder upload (`demo/round.xlsx`). That name is
//! chosen by whoever sends the request, so it is taken apart here and only
//! plain names are kept: a name can never reach outside the job's folder.

use std::path::PathBuf;

/// Longest name of one folder or file, in bytes (what most file systems take).
const MAX_COMPONENT: usize = 255;
/// Longest whole path, in bytes.
const MAX_PATH: usize = 1024;
/// Deepest folder nesting.
const MAX_DEPTH: usize = 32;

/// Names Windows gives to devices, whatever the extension: a file called
/// `con.xlsx` cannot be made there.
const DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why an upload name cannot be a path below the job's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NameError {
    /// Nothing, or only separators and `.`.
    #[error("the file has no name")]
    Empty,
    /// NUL or another control character.
    #[error("the name holds a control character")]
    ControlCharacter,
    /// Starts at the root of a file system (`/etc/x`, `\\server\share`).
    #[error("the name is an absolute path")]
    Absolute,
    /// A drive letter or other colon (`C:\x`, `a.xlsx:stream`).
    #[error("the name holds a drive letter or a colon")]
    Colon,
    /// A `..` part, which would climb out of the folder.
    #[error("the name climbs out of its folder with `..`")]
    ParentDir,
    /// A name Windows keeps for a device.
    #[error("the name is one Windows keeps for a device")]
    Device,
    /// Longer or deeper than any real folder upload.
    #[error("the name is too long or too deeply nested")]
    TooLong,
}

/// A relative path of plain names, safe to join below a folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UploadPath(Vec<String>);

impl UploadPath {
    /// Takes an upload name apart. `\` separates like `/` (Windows); empty
    /// and `.` parts are dropped; anything that could leave the folder or
    /// that a file system would take differently is refused.
    pub fn parse(name: &str) -> Result<UploadPath, NameError> {
        if name.chars().any(char::is_control) {
            return Err(NameError::ControlCharacter);
        }
        let name = name.replace('\\', "/");
        if name.starts_with('/') {
            return Err(NameError::Absolute);
        }
        if name.len() > MAX_PATH {
            return Err(NameError::TooLong);
        }
        let mut parts = Vec::new();
        for part in name.split('/') {
            match part {
                "" | "." => continue,
                ".." => return Err(NameError::ParentDir),
                _ => parts.push(check_part(part)?.to_string()),
            }
        }
        if parts.is_empty() {
            return Err(NameError::Empty);
        }
        if parts.len() > MAX_DEPTH {
            return Err(NameError::TooLong);
        }
        Ok(UploadPath(parts))
    }

    /// The path, relative, with the platform's separators.
    pub fn to_path(&self) -> PathBuf {
        self.0.iter().collect()
    }

    /// The first part: the file itself, or the uploaded folder holding it.
    pub fn top(&self) -> &str {
        &self.0[0]
    }

    /// True for a single name without folders.
    pub fn is_single(&self) -> bool {
        self.0.len() == 1
    }
}

impl std::fmt::Display for UploadPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("/"))
    }
}

fn check_part(part: &str) -> Result<&str, NameError> {
    if part.contains(':') {
        return Err(NameError::Colon);
    }
    if part.len() > MAX_COMPONENT {
        return Err(NameError::TooLong);
    }
    let stem = part.split('.').next().unwrap_or(part).trim_end();
    if DEVICES.contains(&stem.to_ascii_lowercase().as_str()) {
        return Err(NameError::Device);
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str) -> Result<String, NameError> {
        UploadPath::parse(name).map(|p| p.to_string())
    }

    #[test]
    fn folder_uploads_keep_their_relative_paths() {
        assert_eq!(parsed("demo/round.xlsx").unwrap(), "demo/round.xlsx");
        assert_eq!(
            parsed("Skola\\2025\\dati.xlsx").unwrap(),
            "Skola/2025/dati.xlsx"
        );
        assert_eq!(parsed("./a//b/./c.csv").unwrap(), "a/b/c.csv");
        assert_eq!(
            parsed("Rezultāti 2025.xlsx").unwrap(),
            "Rezultāti 2025.xlsx"
        );
    }

    #[test]
    fn names_that_climb_out_are_refused() {
        for name in ["../x.xlsx", "a/../../x", "..\\x", "a/..", ".."] {
            assert_eq!(parsed(name), Err(NameError::ParentDir), "{name}");
        }
    }

    #[test]
    fn absolute_paths_and_drive_letters_are_refused() {
        assert_eq!(parsed("/etc/passwd"), Err(NameError::Absolute));
        assert_eq!(parsed("\\\\server\\share\\x"), Err(NameError::Absolute));
        assert_eq!(parsed("C:\\Users\\x.xlsx"), Err(NameError::Colon));
        assert_eq!(parsed("c:x.xlsx"), Err(NameError::Colon));
        assert_eq!(parsed("a.xlsx:stream"), Err(NameError::Colon));
    }

    #[test]
    fn control_characters_and_empty_names_are_refused() {
        assert_eq!(parsed("a\0b.xlsx"), Err(NameError::ControlCharacter));
        assert_eq!(parsed("a\nb.xlsx"), Err(NameError::ControlCharacter));
        assert_eq!(parsed(""), Err(NameError::Empty));
        assert_eq!(parsed("./"), Err(NameError::Empty));
    }

    #[test]
    fn device_names_and_overlong_names_are_refused() {
        assert_eq!(parsed("CON.xlsx"), Err(NameError::Device));
        assert_eq!(parsed("a/nul"), Err(NameError::Device));
        assert_eq!(parsed(&"x".repeat(256)), Err(NameError::TooLong));
        assert_eq!(parsed(&"a/".repeat(40)), Err(NameError::TooLong));
        assert!(parsed("console.xlsx").is_ok());
    }
}
