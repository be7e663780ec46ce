//! dBASE (.dbf) tables of Shapefiles: the header, the field list, records read as text in
//! their declared or detected encoding.

use super::{Stream, file_at, header_err, io_err};
use crate::io::encoding::Encoding;
use crate::io::feature::{ImportError, bad};
use crate::io::problem::{At, Problem};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::PathBuf;

/// A DBF field.
#[derive(Debug, Clone, PartialEq)]
pub struct DbfField {
    pub name: String,
    /// The dBASE type letter: C, N, F, L, D, I, O, M…
    pub kind: u8,
    pub length: usize,
    pub decimals: u8,
    pub(super) offset: usize,
}

/// The `.dbf` of a Shapefile: header read, records on demand.
pub(super) struct Dbf {
    pub(super) r: BufReader<Stream>,
    pub(super) path: PathBuf,
    pub(super) records: u64,
    pub(super) header_len: u64,
    pub(super) fields: Vec<DbfField>,
    pub(super) language: u8,
    /// Raw field names (decoded once the encoding is known).
    pub(super) raw_names: Vec<Vec<u8>>,
    pub(super) buf: Vec<u8>,
    /// Index of the next record `read` returns (0-based).
    pub(super) next: u64,
}

impl Dbf {
    pub(super) fn open((stream, size, path): (Stream, u64, PathBuf)) -> Result<Dbf, ImportError> {
        let path = path.as_path();
        let mut r = BufReader::with_capacity(1 << 16, stream);
        let mut head = [0u8; 32];
        r.read_exact(&mut head).map_err(|_| {
            header_err(
                path,
                format!("{size} bytes, shorter than a dBASE header (32)"),
                format!("{size} byte, ngắn hơn phần đầu dBASE (32)"),
            )
        })?;
        let records = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        let header_len = u64::from(u16::from_le_bytes([head[8], head[9]]));
        let record_len = usize::from(u16::from_le_bytes([head[10], head[11]]));
        let language = head[29];
        if header_len < 33 || header_len > size {
            return Err(header_err(
                path,
                format!("the header says it is {header_len} bytes long, the file is {size}"),
                format!("phần đầu ghi dài {header_len} byte, tệp dài {size} byte"),
            ));
        }
        let mut desc = vec![0u8; (header_len - 32) as usize];
        r.read_exact(&mut desc).map_err(|e| io_err(path, e))?;
        let mut fields = Vec::new();
        let mut raw_names = Vec::new();
        let mut offset = 1usize;
        for chunk in desc.chunks(32) {
            if chunk[0] == 0x0D || chunk.len() < 32 {
                break;
            }
            let raw: Vec<u8> = chunk[..11]
                .iter()
                .copied()
                .take_while(|&b| b != 0)
                .collect();
            let kind = chunk[11].to_ascii_uppercase();
            let length = usize::from(chunk[16]);
            let decimals = chunk[17];
            // Character fields longer than 255 keep the high byte in the decimals (Clipper, FoxPro).
            let length = if kind == b'C' {
                length + 256 * usize::from(decimals)
            } else {
                length
            };
            fields.push(DbfField {
                name: String::new(),
                kind,
                length,
                decimals: if kind == b'C' { 0 } else { decimals },
                offset,
            });
            raw_names.push(raw);
            offset += length;
        }
        if fields.is_empty() {
            return Err(header_err(
                path,
                "no field descriptors".into(),
                "không có mô tả trường nào".into(),
            ));
        }
        if offset != record_len {
            return Err(header_err(
                path,
                format!(
                    "the header says records of {record_len} bytes, its fields add up to {offset}"
                ),
                format!("phần đầu ghi bản ghi dài {record_len} byte, các trường cộng lại {offset}"),
            ));
        }
        let needed = header_len + records * record_len as u64;
        if size < needed {
            let holds = (size - header_len) / record_len.max(1) as u64;
            return Err(header_err(
                path,
                format!(
                    "the header says {records} records of {record_len} bytes, the file holds only {holds}"
                ),
                format!(
                    "phần đầu ghi {records} bản ghi dài {record_len} byte, tệp chỉ chứa {holds}"
                ),
            ));
        }
        r.seek(SeekFrom::Start(header_len))
            .map_err(|e| io_err(path, e))?;
        Ok(Dbf {
            r,
            path: path.to_path_buf(),
            records,
            header_len,
            fields,
            language,
            raw_names,
            buf: vec![0; record_len],
            next: 0,
        })
    }

    /// Reads the next record into `buf` (`None` after the last): whether it is deleted.
    pub(super) fn read(&mut self) -> Result<Option<bool>, ImportError> {
        if self.next >= self.records {
            return Ok(None);
        }
        self.r.read_exact(&mut self.buf).map_err(|_| {
            bad(
                At::Feature {
                    n: self.next + 1,
                    pos: Some(Box::new(file_at(&self.path))),
                },
                Problem::RecordTruncated,
            )
        })?;
        self.next += 1;
        Ok(Some(self.buf[0] == b'*'))
    }

    pub(super) fn rewind(&mut self) -> Result<(), ImportError> {
        self.r
            .seek(SeekFrom::Start(self.header_len))
            .map_err(|e| io_err(&self.path, e))?;
        self.next = 0;
        Ok(())
    }

    /// Text of character fields of the first `n` records, for choosing the encoding.
    pub(super) fn samples(&mut self, n: u64) -> Result<Vec<Vec<u8>>, ImportError> {
        let mut out: Vec<Vec<u8>> = self.raw_names.clone();
        let text_fields: Vec<(usize, usize)> = self
            .fields
            .iter()
            .filter(|f| f.kind == b'C')
            .map(|f| (f.offset, f.length))
            .collect();
        let mut k = 0;
        while k < n {
            if self.read()?.is_none() {
                break;
            }
            for &(o, l) in &text_fields {
                let v = trim(&self.buf[o..o + l]);
                if !v.is_empty() && !v.is_ascii() {
                    out.push(v.to_vec());
                }
            }
            k += 1;
        }
        self.rewind()?;
        Ok(out)
    }
}

/// Without trailing spaces and NULs, and leading spaces.
pub(super) fn trim(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |i| i + 1);
    let start = b[..end].iter().position(|&c| c != b' ').unwrap_or(end);
    &b[start..end]
}

/// What the DBF language byte says, if it names an encoding read here.
pub(super) fn language_encoding(ldid: u8) -> Option<Encoding> {
    match ldid {
        0x03 | 0x57 | 0x58 | 0x59 => Some(Encoding::Latin1),
        _ => None,
    }
}
