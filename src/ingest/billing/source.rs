//! Finding the files behind the paths a user gives, and probing each one: its kind (CSV, gzip
//! CSV, Parquet, JSON lines), its header and a sample of rows, with clear errors for files that
//! cannot be billing data at all (empty, header only, truncated gzip, wrong delimiter).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use polars::prelude::*;

use crate::error::{Error, Position, Result};

/// How many data rows are read up front to sniff date formats and the cost view.
pub const SAMPLE_ROWS: usize = 500;

/// The physical kind of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Comma-separated text.
    Csv,
    /// Gzip-compressed comma-separated text (`.csv.gz`).
    CsvGz,
    /// Apache Parquet.
    Parquet,
    /// One JSON object per line (`.jsonl`, `.ndjson`, `.json`), optionally gzip-compressed.
    JsonLines,
}

/// What a first look at a file found.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The file.
    pub path: PathBuf,
    /// Its kind.
    pub kind: FileKind,
    /// Column names, trimmed, without a UTF-8 byte-order mark.
    pub header: Vec<String>,
    /// Up to [`SAMPLE_ROWS`] data rows (CSV only; empty for other kinds), `None` for empty cells.
    pub sample: Vec<Vec<Option<String>>>,
    /// Whether the file has at least one data row.
    pub has_rows: bool,
}

impl Probe {
    /// Whether the header has `name`.
    pub fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h == name)
    }

    /// The sampled values of column `name` (non-empty ones).
    pub fn sample_values(&self, name: &str) -> Vec<&str> {
        let Some(index) = self.header.iter().position(|h| h == name) else {
            return Vec::new();
        };
        self.sample
            .iter()
            .filter_map(|row| row.get(index).and_then(|v| v.as_deref()))
            .collect()
    }
}

/// Expands files and folders into the sorted list of data files to read. Folders are walked
/// recursively; hidden files and manifests (`*Manifest.json`, `*.md`, `*.txt`) are skipped.
///
/// # Errors
/// [`Error::NotFound`] for a missing path; [`Error::Data`] when a folder holds no data file.
pub fn discover<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<PathBuf>> {
    if paths.is_empty() {
        return Err(Error::parameter(
            "paths",
            "expected at least one file or folder",
        ));
    }
    let mut files = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                return Err(Error::data(
                    Position::file(path),
                    "folder holds no data file: expected .csv, .csv.gz, .parquet, .jsonl or .json files",
                ));
            }
        } else {
            files.push(path.to_path_buf());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else if kind_of(&path).is_some() && !name.to_ascii_lowercase().contains("manifest") {
            files.push(path);
        }
    }
    Ok(())
}

/// The kind of a file from its name, or `None` when the name has no known extension.
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    if name.ends_with(".csv") || name.ends_with(".tsv") || name.ends_with(".txt") {
        Some(FileKind::Csv)
    } else if name.ends_with(".csv.gz") || name.ends_with(".csv.gzip") {
        Some(FileKind::CsvGz)
    } else if name.ends_with(".parquet") || name.ends_with(".snappy.parquet") {
        Some(FileKind::Parquet)
    } else if name.ends_with(".jsonl")
        || name.ends_with(".ndjson")
        || name.ends_with(".json")
        || name.ends_with(".jsonl.gz")
        || name.ends_with(".json.gz")
    {
        Some(FileKind::JsonLines)
    } else {
        None
    }
}

fn sniff_kind(path: &Path) -> Result<FileKind> {
    if let Some(kind) = kind_of(path) {
        return Ok(kind);
    }
    // Unknown extension: look at the magic bytes.
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(match &head[..n] {
        [0x1f, 0x8b, ..] => FileKind::CsvGz,
        [b'P', b'A', b'R', b'1'] => FileKind::Parquet,
        [b'{', ..] => FileKind::JsonLines,
        _ => FileKind::Csv,
    })
}

/// Whether a JSON-lines file is gzip-compressed.
pub fn is_gzip(path: &Path) -> bool {
    let mut head = [0u8; 2];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|_| head == [0x1f, 0x8b])
        .unwrap_or(false)
}

/// Opens a text file, transparently decompressing gzip.
pub fn open_text(path: &Path) -> Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    if is_gzip(path) {
        Ok(Box::new(MultiGzDecoder::new(BufReader::new(file))))
    } else {
        Ok(Box::new(BufReader::new(file)))
    }
}

/// Decompresses a whole gzip file to nowhere, to find truncation or corruption before the
/// data-frame engine reads it. Returns the decompressed size.
///
/// # Errors
/// [`Error::Data`] naming the file and how far decompression got.
pub fn check_gzip(path: &Path) -> Result<u64> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut decoder = MultiGzDecoder::new(BufReader::with_capacity(1 << 20, file));
    let mut buf = vec![0u8; 1 << 20];
    let mut total: u64 = 0;
    loop {
        match decoder.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) => {
                return Err(Error::data(
                    Position::file(path),
                    format!(
                        "gzip stream is truncated or corrupt after {total} decompressed bytes ({e}): expected a complete .gz file; download it again"
                    ),
                ))
            }
        }
    }
}

/// Probes one file: kind, header, sample rows.
///
/// # Errors
/// Empty files, unreadable files, truncated gzip, a header in another delimiter.
pub fn probe(path: &Path) -> Result<Probe> {
    let kind = sniff_kind(path)?;
    match kind {
        FileKind::Csv | FileKind::CsvGz => probe_csv(path, kind),
        FileKind::Parquet => probe_parquet(path),
        FileKind::JsonLines => probe_json_lines(path),
    }
}

fn probe_csv(path: &Path, kind: FileKind) -> Result<Probe> {
    if kind == FileKind::CsvGz || is_gzip(path) {
        check_gzip(path)?;
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() == 0 {
        return Err(Error::data(
            Position::file(path),
            "file is empty: expected a header row and at least one data row",
        ));
    }
    let reader = open_text(path)?;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut records = csv.byte_records();
    let header_record = match records.next() {
        None => {
            return Err(Error::data(
                Position::file(path),
                "file is empty: expected a header row and at least one data row",
            ))
        }
        Some(Err(e)) => {
            return Err(Error::data(
                Position::file(path).row(0),
                format!("cannot read the header: {e}"),
            ))
        }
        Some(Ok(record)) => record,
    };
    let header: Vec<String> = header_record
        .iter()
        .enumerate()
        .map(|(i, field)| clean_header(&String::from_utf8_lossy(field), i))
        .collect();
    if header.iter().all(|h| h.is_empty()) {
        return Err(Error::data(
            Position::file(path).row(0),
            "the first line is blank: expected a header row",
        ));
    }
    if header.len() == 1 {
        let only = &header[0];
        for (sep, name) in [(';', "semicolon"), ('\t', "tab"), ('|', "pipe")] {
            if only.contains(sep) {
                return Err(Error::data(
                    Position::file(path).row(0).value(only.clone()),
                    format!("the header is {name}-separated: expected comma-separated values (export the file as CSV with ',' as the delimiter)"),
                ));
            }
        }
    }
    let mut sample = Vec::new();
    for (i, record) in records.enumerate() {
        let record = record.map_err(|e| {
            Error::data(
                Position::file(path).row(i as u64 + 1),
                format!("cannot read the row: {e}"),
            )
        })?;
        sample.push(
            record
                .iter()
                .map(|f| {
                    let s = String::from_utf8_lossy(f).into_owned();
                    if s.is_empty() {
                        None
                    } else {
                        Some(s)
                    }
                })
                .collect(),
        );
        if sample.len() >= SAMPLE_ROWS {
            break;
        }
    }
    let has_rows = sample
        .iter()
        .any(|row: &Vec<Option<String>>| row.iter().any(|v| v.is_some()));
    Ok(Probe {
        path: path.to_path_buf(),
        kind: if is_gzip(path) {
            FileKind::CsvGz
        } else {
            FileKind::Csv
        },
        header,
        sample,
        has_rows,
    })
}

/// Trims a header cell and removes a UTF-8 byte-order mark; empty names become `column_<i>`.
pub fn clean_header(raw: &str, index: usize) -> String {
    let cleaned = raw.trim_start_matches('\u{feff}').trim();
    if cleaned.is_empty() {
        format!("column_{}", index + 1)
    } else {
        cleaned.to_string()
    }
}

fn probe_parquet(path: &Path) -> Result<Probe> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() == 0 {
        return Err(Error::data(
            Position::file(path),
            "file is empty: expected a parquet file",
        ));
    }
    let mut lf = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(|e| parquet_error(path, e))?;
    let schema = lf.collect_schema().map_err(|e| parquet_error(path, e))?;
    let rows = lf
        .clone()
        .select([len()])
        .collect()
        .map_err(|e| parquet_error(path, e))?;
    let has_rows = rows
        .column("len")
        .ok()
        .and_then(|c| c.get(0).ok())
        .map(|v| !matches!(v, AnyValue::UInt32(0) | AnyValue::UInt64(0)))
        .unwrap_or(false);
    Ok(Probe {
        path: path.to_path_buf(),
        kind: FileKind::Parquet,
        header: schema.iter_names().map(|n| n.to_string()).collect(),
        sample: Vec::new(),
        has_rows,
    })
}

fn parquet_error(path: &Path, e: PolarsError) -> Error {
    Error::data(Position::file(path), format!("cannot read as parquet: {e}"))
}

fn probe_json_lines(path: &Path) -> Result<Probe> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() == 0 {
        return Err(Error::data(
            Position::file(path),
            "file is empty: expected one JSON object per line",
        ));
    }
    if is_gzip(path) {
        check_gzip(path)?;
    }
    // The header is every dotted name of the first rows, and the rows are a sample (dates are
    // sniffed from it), flattened exactly as `gcp::read_json_lines` reads the whole file.
    let (header, sample) = super::gcp::sample_json_lines(path, SAMPLE_ROWS)?;
    if sample.is_empty() {
        return Err(Error::data(
            Position::file(path),
            "file has only blank lines: expected one JSON object per line",
        ));
    }
    Ok(Probe {
        path: path.to_path_buf(),
        kind: FileKind::JsonLines,
        header,
        sample,
        has_rows: true,
    })
}

/// Dotted names of the leaves of a JSON object (`service.description`); arrays are leaves.
pub fn flatten_keys(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<String>,
) {
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            serde_json::Value::Object(inner) if !inner.is_empty() => {
                flatten_keys(&name, inner, out)
            }
            _ => out.push(name),
        }
    }
}

/// A lazy scan of a CSV file with every column read as text, renamed to the probe's cleaned
/// header. Gzip files are decompressed by the engine.
///
/// # Errors
/// When the engine cannot open the file.
pub fn scan_csv_as_text(probe: &Probe) -> Result<LazyFrame> {
    let path = &probe.path;
    let mut lf = LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_missing_is_null(true)
        .with_encoding(CsvEncoding::LossyUtf8)
        .finish()
        .map_err(|e| Error::data(Position::file(path), format!("cannot read as CSV: {e}")))?;
    let schema = lf
        .collect_schema()
        .map_err(|e| Error::data(Position::file(path), format!("cannot read as CSV: {e}")))?;
    let existing: Vec<PlSmallStr> = schema.iter_names().cloned().collect();
    if existing.len() != probe.header.len() {
        return Err(Error::data(
            Position::file(path).row(0),
            format!(
                "the header has {} columns but the engine read {}: expected a well-formed CSV header",
                probe.header.len(),
                existing.len()
            ),
        ));
    }
    let renames: Vec<(PlSmallStr, PlSmallStr)> = existing
        .iter()
        .zip(&probe.header)
        .filter(|(old, new)| old.as_str() != new.as_str())
        .map(|(old, new)| (old.clone(), PlSmallStr::from(new.as_str())))
        .collect();
    if !renames.is_empty() {
        let (old, new): (Vec<_>, Vec<_>) = renames.into_iter().unzip();
        lf = lf.rename(old, new, true);
    }
    Ok(lf)
}
