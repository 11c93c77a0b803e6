//! A job's outputs as one zip, streamed: a blocking thread writes the zip
//! (files read one by one from disk) into a bounded channel that the
//! response body drains, so memory stays at a few chunks whatever the
//! round's size, and a client that goes away stops the writing.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// Bytes handed to the response at a time.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting in the channel: how far the writer may run ahead.
const WAITING: usize = 8;

/// The zip of every file below `dir`, as a streamed body.
pub(crate) fn body(dir: PathBuf) -> Body {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(WAITING);
    tokio::task::spawn_blocking(move || {
        let writer = ChannelWriter {
            tx: tx.clone(),
            buffer: Vec::with_capacity(CHUNK),
        };
        if let Err(e) = write_zip(&dir, writer) {
            // Ends the body with an error, so the client sees a broken
            // download rather than a short zip it might take as whole.
            let _ = tx.blocking_send(Err(e));
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

/// Writes the zip of `dir` into `out`: files in path order, each with the
/// path below `dir`, the time of the DOS epoch (so the same outputs give the
/// same zip), stored when already compressed, deflated otherwise.
pub(crate) fn write_zip<W: Write>(dir: &Path, out: W) -> io::Result<()> {
    let mut files = Vec::new();
    list_files(dir, Path::new(""), &mut files)?;
    files.sort();
    let mut zip = ZipWriter::new_stream(out);
    for relative in files {
        let mut file = File::open(dir.join(&relative))?;
        let size = file.metadata()?.len();
        let method = method(&relative);
        // Level 1: XML and JSON still shrink several times over, at
        // several times the speed of the default level.
        let level = (method == CompressionMethod::Deflated).then_some(1);
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(level)
            .last_modified_time(DateTime::default())
            .unix_permissions(0o644)
            .large_file(size >= u64::from(u32::MAX));
        zip.start_file(zip_name(&relative), options)?;
        io::copy(&mut file, &mut zip)?;
    }
    zip.finish()?.into_inner().flush()
}

/// Every regular file below `dir`, relative to the top. Links are not
/// followed: the outputs folder holds none, and none is to be served.
fn list_files(top: &Path, relative: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(top.join(relative))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = relative.join(entry.file_name());
        if kind.is_dir() {
            list_files(top, &path, files)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// A zip entry's name: the relative path with `/` separators.
fn zip_name(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Office files and PDFs are compressed already: deflating them again
/// costs time and saves nothing.
fn method(path: &Path) -> CompressionMethod {
    match path.extension().and_then(|e| e.to_str()) {
        Some("docx" | "xlsx" | "pdf" | "zip" | "png" | "jpg") => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    }
}

/// A `Write` into the response's channel, a chunk at a time.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_holds_every_file_byte_for_byte_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("ozola-anna")).unwrap();
        std::fs::write(dir.path().join("report.json"), "{}").unwrap();
        std::fs::write(dir.path().join("ozola-anna/transcript.pdf"), b"%PDF-1.7 x").unwrap();
        std::fs::write(dir.path().join("ozola-anna/a.xml"), "<a/>".repeat(1000)).unwrap();
        let mut bytes = Vec::new();
        write_zip(dir.path(), &mut bytes).unwrap();
        let mut zip = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "ozola-anna/a.xml",
                "ozola-anna/transcript.pdf",
                "report.json"
            ]
        );
        let mut xml = String::new();
        io::Read::read_to_string(&mut zip.by_name("ozola-anna/a.xml").unwrap(), &mut xml).unwrap();
        assert_eq!(xml, "<a/>".repeat(1000));
        assert_eq!(
            zip.by_name("ozola-anna/transcript.pdf")
                .unwrap()
                .compression(),
            CompressionMethod::Stored
        );
    }
}
