//! Which files of the inputs given are read.
//!
//! Files named on the command line are read as named (links followed).
//! Folders are walked recursively, in name order, and what is in them is
//! not trusted:
//! - a link is followed only when it leads to a file or folder inside the
//!   folder given (a link to `/etc` is not followed, and said); each folder
//!   is entered once and each file read once, known by device and inode, so
//!   links back up the tree (two links to `..` make paths without end)
//!   cannot loop;
//! - only regular files are read: a named pipe, a device or a socket is
//!   reported and skipped (reading one would wait, or never end);
//! - Office lock files (`~$x.xlsx`), hidden files and unknown types are
//!   skipped;
//! - europass's own outputs are never read back as school data: a file is
//!   skipped when the record of an output folder it is in (this run's
//!   `--out`, or an earlier output folder inside the input) says europass
//!   wrote it as it is. A folder whose record describes every file in it is
//!   skipped whole; one holding other files too (a manifest copied along
//!   with a school's folder) has those read, with a warning.

use std::collections::{HashMap, HashSet};
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::import::{self, Limits};
use crate::outputs::OutputRecord;

/// Where a file or folder is on the disk, whatever path leads to it.
type Identity = (u64, u64);

fn identity(meta: &Metadata) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        // No inode numbers: size and time tell files apart well enough for
        // reading each once; folder loops need links, which need unix here.
        let time = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        (meta.len(), time)
    }
}

/// The files to read among `paths` (relative ones taken from `root`, and
/// named as given), and what was skipped on the way. `output` is this
/// run's output folder, whose outputs are never read back.
pub fn collect(
    root: &Path,
    paths: &[PathBuf],
    output: Option<&Path>,
    limits: &Limits,
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut walker = Walker {
        root,
        limits,
        files: Vec::new(),
        diags: Vec::new(),
        folders: HashSet::new(),
        taken: HashMap::new(),
        records: Vec::new(),
    };
    if let Some(out) = output
        && let Ok(canonical) = root.join(out).canonicalize()
    {
        let record = OutputRecord::read(&canonical);
        if record.found() {
            walker.records.push((canonical, record));
        }
    }
    for p in paths {
        walker.given(p);
    }
    (walker.files, walker.diags)
}

struct Walker<'a> {
    root: &'a Path,
    limits: &'a Limits,
    files: Vec<PathBuf>,
    diags: Vec<Diagnostic>,
    /// Folders entered: a link back into one is a loop.
    folders: HashSet<Identity>,
    /// Files taken, with the name each was taken as.
    taken: HashMap<Identity, PathBuf>,
    /// The output folders around the place being walked (and this run's),
    /// with the record of what europass wrote in each.
    records: Vec<(PathBuf, OutputRecord)>,
}

/// What one folder held, for the note on a folder of outputs.
#[derive(Default)]
struct Tally {
    /// Files europass wrote there, skipped.
    outputs: usize,
    /// Files read (or reported) as input.
    inputs: usize,
}

impl Walker<'_> {
    /// One path of the command line.
    fn given(&mut self, p: &Path) {
        let real = self.root.join(p);
        let meta = fs::metadata(&real);
        if !meta.as_ref().is_ok_and(Metadata::is_dir) {
            // A file (or a pipe, or nothing): read as named, and reported there.
            if let Ok(meta) = meta
                && meta.is_file()
                && self.already_taken(p, &meta)
            {
                return;
            }
            self.files.push(p.to_path_buf());
            return;
        }
        let Ok(top) = real.canonicalize() else {
            self.files.push(p.to_path_buf());
            return;
        };
        let before = self.files.len();
        let mut tally = Tally::default();
        self.folder(p, &top, &top, &mut tally);
        if self.files.len() == before {
            self.diags.push(
                Diagnostic::error(
                    Code::NoInputFiles,
                    Location::file(p.display().to_string()),
                    "the folder holds no file europass reads",
                )
                .with_hint(
                    "give .xlsx, .xls, .ods, .csv or .docx files or a folder that holds them",
                ),
            );
        }
    }

    /// Walks the folder `shown` (as the user sees it), at `real` on the disk,
    /// inside the folder given, `top`.
    fn folder(&mut self, shown: &Path, real: &Path, top: &Path, tally: &mut Tally) {
        if let Ok(meta) = fs::metadata(real) {
            self.folders.insert(identity(&meta));
        }
        let mut entries: Vec<std::ffi::OsString> = match fs::read_dir(real) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.file_name())).collect(),
            Err(e) => {
                self.diags.push(Diagnostic::error(
                    Code::IoError,
                    Location::file(shown.display().to_string()),
                    format!("cannot list the folder: {e}"),
                ));
                return;
            }
        };
        entries.sort();
        for name in entries {
            let text = name.to_string_lossy();
            if text.starts_with('.') {
                continue;
            }
            self.entry(&shown.join(&name), &real.join(&name), top, tally);
        }
    }

    /// One entry of a folder: a link is looked through, then the folder or
    /// file it is taken.
    fn entry(&mut self, shown: &Path, real: &Path, top: &Path, tally: &mut Tally) {
        let Ok(own) = fs::symlink_metadata(real) else {
            return;
        };
        let meta = if own.file_type().is_symlink() {
            match self.follow(shown, real, top) {
                Some(meta) => meta,
                None => return,
            }
        } else {
            own
        };
        if meta.is_dir() {
            if self.folders.contains(&identity(&meta)) {
                self.note(
                    shown,
                    "skipped: a link back to a folder already read (a loop)",
                );
            } else {
                self.subfolder(shown, real, top, tally);
            }
        } else {
            self.file(shown, real, &meta, tally);
        }
    }

    /// Where a link leads, if it is to be followed: inside the folder given.
    fn follow(&mut self, shown: &Path, real: &Path, top: &Path) -> Option<Metadata> {
        let Ok(target) = real.canonicalize() else {
            self.note(shown, "skipped: a link to nothing");
            return None;
        };
        if !target.starts_with(top) {
            self.note(
                shown,
                &format!(
                    "not followed: a link leading out of the folder given (to {}); name the target itself to read it",
                    target.display()
                ),
            );
            return None;
        }
        fs::metadata(real).ok()
    }

    /// A folder inside the folder given; one holding europass's record of
    /// its outputs is skipped as far as the record describes it.
    fn subfolder(&mut self, shown: &Path, real: &Path, top: &Path, parent: &mut Tally) {
        let record = OutputRecord::read(real);
        if !record.found() {
            return self.folder(shown, real, top, parent);
        }
        let canonical = real.canonicalize().unwrap_or_else(|_| real.to_path_buf());
        self.records.push((canonical, record));
        let mut tally = Tally::default();
        self.folder(shown, real, top, &mut tally);
        self.records.pop();
        let place = Location::file(shown.display().to_string());
        if tally.inputs == 0 {
            self.diags.push(Diagnostic::info(
                Code::FileSkipped,
                place,
                "skipped: a folder europass wrote its outputs to",
            ));
        } else {
            self.diags.push(
                Diagnostic::warning(
                    Code::FileSkipped,
                    place,
                    format!(
                        "the folder holds europass's record of its outputs ({}), but {} of its files are not outputs europass wrote: they were read as input{}",
                        crate::outputs::MANIFEST,
                        tally.inputs,
                        if tally.outputs > 0 {
                            format!(" ({} files europass wrote were skipped)", tally.outputs)
                        } else {
                            String::new()
                        }
                    ),
                )
                .with_hint(format!(
                    "if the folder is a school's, delete the {} copied along with it",
                    crate::outputs::MANIFEST
                )),
            );
        }
        parent.inputs += tally.inputs;
        parent.outputs += tally.outputs;
    }

    /// A file of a folder: taken, or skipped with the reason.
    fn file(&mut self, shown: &Path, real: &Path, meta: &Metadata, tally: &mut Tally) {
        let name = shown
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(what) = import::not_a_file(meta) {
            tally.inputs += 1;
            self.diags.push(
                Diagnostic::warning(
                    Code::NotAFile,
                    Location::file(shown.display().to_string()),
                    format!("skipped: this is {what}, not a file"),
                )
                .with_hint("europass reads regular files only; remove it from the folder, or give the file itself"),
            );
            return;
        }
        if name.starts_with("~$") || name.starts_with(".~lock") {
            return self.note(
                shown,
                "skipped: a temporary file Office or LibreOffice keeps while a document is open",
            );
        }
        if name == crate::profile::PROFILE_FILE {
            return self.note(
                shown,
                "not an input: the school profile, used when it is the one nearest the inputs (inspect names the profile used)",
            );
        }
        if import::format_from_extension(&name).is_none() {
            return self.note(shown, "skipped: not a file type europass reads");
        }
        if self.written_by_europass(real) {
            tally.outputs += 1;
            return;
        }
        tally.inputs += 1;
        if !self.already_taken(shown, meta) {
            self.files.push(shown.to_path_buf());
        }
    }

    /// Whether the record of an output folder around `real` says europass
    /// wrote it, as it is.
    fn written_by_europass(&self, real: &Path) -> bool {
        let Ok(canonical) = real.canonicalize() else {
            return false;
        };
        let covering: Vec<(String, &OutputRecord)> = self
            .records
            .iter()
            .filter_map(|(dir, record)| {
                let rel = canonical.strip_prefix(dir).ok()?;
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let rel = rel.join("/");
                record.lists(&rel).then_some((rel, record))
            })
            .collect();
        if covering.is_empty() {
            return false;
        }
        let Ok(bytes) = import::read_input(&canonical, self.limits) else {
            return false;
        };
        covering.iter().any(|(rel, r)| r.describes(rel, &bytes))
    }

    /// Whether the file was taken already (through a link, or named twice);
    /// records it as taken as `shown` when not.
    fn already_taken(&mut self, shown: &Path, meta: &Metadata) -> bool {
        match self.taken.get(&identity(meta)) {
            Some(first) => {
                let message = format!(
                    "skipped: the same file as {}, which is read once",
                    first.display()
                );
                self.note(shown, &message);
                true
            }
            None => {
                self.taken.insert(identity(meta), shown.to_path_buf());
                false
            }
        }
    }

    fn note(&mut self, shown: &Path, message: &str) {
        self.diags.push(Diagnostic::info(
            Code::FileSkipped,
            Location::file(shown.display().to_string()),
            message,
        ));
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(files: &[PathBuf], root: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
            .collect()
    }

    #[test]
    fn links_back_up_the_tree_are_walked_once_and_links_out_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(input.join("a")).unwrap();
        fs::write(input.join("a/round.csv"), "x").unwrap();
        symlink("..", input.join("a/up1")).unwrap();
        symlink("..", input.join("a/up2")).unwrap();
        fs::write(dir.path().join("outside.csv"), "secret").unwrap();
        symlink(dir.path().join("outside.csv"), input.join("out.csv")).unwrap();
        symlink("a/round.csv", input.join("again.csv")).unwrap();
        let (files, diags) = collect(
            Path::new(""),
            std::slice::from_ref(&input),
            None,
            &Limits::default(),
        );
        assert_eq!(names(&files, &input), ["a/round.csv"]);
        let said: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(said.iter().any(|m| m.contains("a loop")), "{said:?}");
        assert!(
            said.iter().any(|m| m.contains("leading out of the folder")),
            "{said:?}"
        );
        assert!(
            said.iter().any(|m| m.contains("the same file as")),
            "{said:?}"
        );
    }

    #[test]
    fn a_folder_whose_record_does_not_describe_its_files_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let school = dir.path().join("school");
        fs::create_dir_all(&school).unwrap();
        fs::write(school.join("round.csv"), "learners").unwrap();
        // A manifest copied from elsewhere, naming a file of the same name.
        fs::write(
            school.join(crate::outputs::MANIFEST),
            format!(r#"{{"files": {{"round.csv": "{}"}}}}"#, "0".repeat(64)),
        )
        .unwrap();
        let (files, diags) = collect(dir.path(), &["school".into()], None, &Limits::default());
        assert_eq!(files, [PathBuf::from("school/round.csv")]);
        assert!(
            diags.is_empty(),
            "the folder given is walked as it is: {diags:?}"
        );
        let (files, diags) = collect(
            Path::new(""),
            &[dir.path().to_path_buf()],
            None,
            &Limits::default(),
        );
        assert_eq!(files.len(), 1);
        assert_eq!(diags[0].severity, crate::Severity::Warning, "{diags:?}");
    }
}
