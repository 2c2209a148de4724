//! The one error type of capcast, and its `Result` alias.
//!
//! Every message is lower-case and names what failed: the file, the row (1-based data row,
//! not counting the header), the column and the value, and what was expected. The Python
//! bindings map each variant onto a class of the `capcast.CapcastError` hierarchy.

use std::fmt;
use std::path::PathBuf;

/// `Result` with capcast's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in an input a problem was found. Every field is optional because some problems
/// concern a whole file (an empty file) and others one cell.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Position {
    /// The file, as the user named it (or as found inside a folder they named).
    pub file: Option<PathBuf>,
    /// 1-based data row (the header is row 0).
    pub row: Option<u64>,
    /// The column, as spelled in the file.
    pub column: Option<String>,
    /// The offending value, verbatim.
    pub value: Option<String>,
}

impl Position {
    /// A position naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Position {
            file: Some(file.into()),
            ..Default::default()
        }
    }
    /// Adds the row.
    pub fn row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }
    /// Adds the column.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    /// Adds the value.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.display().to_string());
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column '{column}'"));
        }
        if let Some(value) = &self.value {
            let shown: String = value.chars().take(80).collect();
            let ellipsis = if value.chars().count() > 80 {
                "..."
            } else {
                ""
            };
            parts.push(format!("value '{shown}{ellipsis}'"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

/// Everything that can go wrong in capcast.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A path that does not exist (maps to Python's `FileNotFoundError`).
    #[error("{}: no such file or folder", path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// A file whose format capcast does not recognise.
    #[error("{}: unrecognised format: {detail}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What was recognised, and which formats are supported.
        detail: String,
    },
    /// Input data that breaks a rule: a value that is not a number, a missing column, ...
    #[error("{position}: {message}")]
    Data {
        /// Where.
        position: Position,
        /// What was expected, lower-case.
        message: String,
    },
    /// A parameter outside its documented range.
    #[error("invalid parameter '{name}': {message}")]
    Parameter {
        /// The parameter's name as the user spells it.
        name: String,
        /// What is allowed.
        message: String,
    },
    /// An error inside the data-frame engine (polars).
    #[error("data-frame engine: {0}")]
    Polars(#[from] polars::error::PolarsError),
    /// JSON that could not be read or written.
    #[error("{}: invalid json: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error (it carries line and column).
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// A data error at `position` with `message` (lower-case, saying what was expected).
    pub fn data(position: Position, message: impl Into<String>) -> Self {
        Error::Data {
            position,
            message: message.into(),
        }
    }

    /// A parameter error.
    pub fn parameter(name: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Parameter {
            name: name.into(),
            message: message.into(),
        }
    }

    /// An I/O error on `path`; a missing path becomes [`Error::NotFound`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path }
        } else {
            Error::Io { path, source }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_error_names_file_row_column_and_value() {
        let err = Error::data(
            Position::file("bill.csv")
                .row(7)
                .column("BilledCost")
                .value("abc"),
            "expected a number",
        );
        assert_eq!(
            err.to_string(),
            "bill.csv, row 7, column 'BilledCost', value 'abc': expected a number"
        );
    }

    #[test]
    fn missing_path_is_not_found() {
        let err = Error::io(
            "x.csv",
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        );
        assert!(matches!(err, Error::NotFound { .. }));
    }
}
