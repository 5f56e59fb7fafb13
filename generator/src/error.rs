//! Errors of every stage: input: a failure and where it happened; output: a message that
//! names the file, the line:column and the element.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a source file, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Everything that can stop a run.
#[derive(Debug)]
pub enum Error {
    /// A file or folder could not be read or written.
    Io { path: PathBuf, source: std::io::Error },
    /// The file is not well-formed XML (or not UTF-8).
    Xml { path: PathBuf, pos: Pos, message: String },
    /// The XML is well-formed but breaks a registry rule that output depends on.
    Registry { path: PathBuf, pos: Pos, element: String, message: String },
    /// Generated code did not parse: a bug of this generator.
    Emit { file: String, message: String },
    /// Anything else, with context.
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_owned(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: cannot read or write: {}", path.display(), source),
            Error::Xml { path, pos, message } => {
                write!(f, "{}:{}: <registry>: not a valid XML document: {}", path.display(), pos, message)
            }
            Error::Registry { path, pos, element, message } => {
                write!(f, "{}:{}: <{}>: {}", path.display(), pos, element, message)
            }
            Error::Emit { file, message } => {
                write!(f, "internal error: generated {file} does not parse: {message}")
            }
            Error::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A note that does not stop the run (an element this generator does not know, say).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub pos: Pos,
    pub element: String,
    pub message: String,
}

/// A registry value as a message quotes it: at most 60 characters (a hostile file can hold
/// a 50 MB attribute).
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &text[..cut], text.len()),
    }
}
