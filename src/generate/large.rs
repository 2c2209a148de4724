//! A large FOCUS 1.2 file for ingest benchmarks, streamed to disk without holding it in memory.
//!
//! The file is the sample organisation replicated: replica `r` is the default four-month sample
//! drawn from its own seed, with its own member-account ids (`payments-prod-r1`, ...). Rows are
//! written replica by replica until the file reaches the requested size; only one replica's
//! rows (about 110,000) are in memory at a time.

use std::cell::Cell;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;

use super::billing::{write_header, Model};
use super::catalog::splitmix;
use super::fixed::Fixed;
use super::{SampleOptions, SampleSummary};
use crate::error::{Error, Result};

/// Counts the bytes that reach the file.
struct Counting<W> {
    inner: W,
    bytes: Rc<Cell<u64>>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Totals of what was written.
#[derive(Default)]
struct Written {
    rows: usize,
    billed: i64,
    effective: i64,
}

fn write_replicas<W: Write>(
    writer: &mut csv::Writer<W>,
    bytes: &Rc<Cell<u64>>,
    target_bytes: u64,
    seed: u64,
) -> csv::Result<Written> {
    write_header(writer)?;
    let mut written = Written::default();
    let mut replica = 0u32;
    while bytes.get() < target_bytes {
        let options = SampleOptions {
            seed: if replica == 0 {
                seed
            } else {
                splitmix(seed.wrapping_add(replica as u64))
            },
            ..SampleOptions::default()
        };
        let model = Model::build(&options, replica);
        model.write_records(&model.lines, writer, |line| {
            written.rows += 1;
            written.billed += line.billed.0;
            written.effective += line.effective.0;
            bytes.get() < target_bytes
        })?;
        replica += 1;
    }
    Ok(written)
}

/// Streams a FOCUS 1.2 CSV of about `target_bytes` bytes on disk to `path` (the sample's 57
/// columns and row shapes, replicated over member accounts), deterministic from `seed`. A path
/// ending in `.gz` is gzip-compressed, and then `target_bytes` counts compressed bytes.
///
/// The file stops at the first row boundary at or past the target (plus at most the writer's
/// buffers, a few kilobytes). Memory use stays near one replica of the sample (tens of MB)
/// whatever the size.
///
/// # Example
/// ```no_run
/// use capcast::generate::write_large_focus_csv;
///
/// let summary = write_large_focus_csv(std::path::Path::new("bench-out/focus-1gb.csv"), 1 << 30, 42)?;
/// println!("{} rows", summary.billing_rows);
/// # Ok::<(), capcast::Error>(())
/// ```
///
/// # Errors
/// [`Error::Parameter`] when `target_bytes` is 0; [`Error::Io`] (or [`Error::NotFound`] for a
/// missing folder) when the file cannot be created or written.
pub fn write_large_focus_csv(path: &Path, target_bytes: u64, seed: u64) -> Result<SampleSummary> {
    if target_bytes == 0 {
        return Err(Error::parameter("target_bytes", "must be at least 1"));
    }
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let bytes = Rc::new(Cell::new(0));
    let sink = Counting {
        inner: std::io::BufWriter::with_capacity(1 << 20, file),
        bytes: Rc::clone(&bytes),
    };
    let gzip = path.extension().is_some_and(|e| e == "gz");
    let result = if gzip {
        let mut writer = csv::Writer::from_writer(flate2::write::GzEncoder::new(
            sink,
            flate2::Compression::fast(),
        ));
        write_replicas(&mut writer, &bytes, target_bytes, seed)
            .map_err(std::io::Error::from)
            .and_then(|w| {
                let encoder = writer.into_inner().map_err(|e| e.into_error())?;
                encoder.finish()?.flush()?;
                Ok(w)
            })
    } else {
        let mut writer = csv::Writer::from_writer(sink);
        write_replicas(&mut writer, &bytes, target_bytes, seed)
            .map_err(std::io::Error::from)
            .and_then(|w| {
                writer.into_inner().map_err(|e| e.into_error())?.flush()?;
                Ok(w)
            })
    };
    let written = result.map_err(|e| Error::io(path, e))?;
    Ok(SampleSummary {
        billing_rows: written.rows,
        utilization_rows: 0,
        files: vec![path.to_path_buf()],
        total_billed_cost: Fixed(written.billed).to_f64(),
        total_effective_cost: Fixed(written.effective).to_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_about_the_target_deterministically() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        let summary = write_large_focus_csv(&a, 300_000, 7).unwrap();
        write_large_focus_csv(&b, 300_000, 7).unwrap();
        let bytes = std::fs::read(&a).unwrap();
        assert_eq!(bytes, std::fs::read(&b).unwrap());
        let size = bytes.len() as u64;
        assert!((300_000..300_000 + 70_000).contains(&size), "{size}");
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(reader.headers().unwrap().len(), 57);
        let records: Vec<csv::StringRecord> = reader.records().collect::<csv::Result<_>>().unwrap();
        let rows = records.len();
        assert_eq!(rows, summary.billing_rows);
    }

    #[test]
    fn zero_bytes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_large_focus_csv(&dir.path().join("x.csv"), 0, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid parameter 'target_bytes': must be at least 1"
        );
    }

    #[test]
    fn missing_folder_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("x.csv");
        let err = write_large_focus_csv(&path, 10, 1).unwrap_err();
        assert!(matches!(err, Error::NotFound { .. }), "{err}");
    }
}
