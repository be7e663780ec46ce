//! A table as a planner sends it to the office: the rows an attribute table shows, with its
//! column headings, as CSV (UTF-8 with a byte-order mark, so Excel reads Vietnamese right) or
//! as an Excel workbook (`.xlsx`, through `rust_xlsxwriter`: numbers as numbers, the heading
//! row bold, frozen and filterable). Written to a part file and renamed into place when whole.

use crate::model::style::Value;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum TableOutError {
    #[error("{path}: {message}")]
    Write { path: String, message: String },
    #[error("{0}: the table must be written as .csv or .xlsx")]
    Format(String),
    #[error(
        "{0}: an Excel sheet holds at most 1,048,575 rows under its heading; this table has {1}"
    )]
    TooLong(String, usize),
}

/// One column: its heading and whether it holds numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct OutColumn {
    pub heading: String,
    pub numeric: bool,
}

const XLSX_MAX_ROWS: usize = 1_048_575;

/// Writes `rows` (each a value per column) under `columns` to `path`, CSV or XLSX by its
/// extension. Returns the number of rows written.
pub fn write_table(
    path: &Path,
    sheet: &str,
    columns: &[OutColumn],
    rows: &mut dyn Iterator<Item = Vec<Value>>,
) -> Result<usize, TableOutError> {
    let shown = path.display().to_string();
    let err = |e: &dyn std::fmt::Display| TableOutError::Write {
        path: shown.clone(),
        message: e.to_string(),
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let part = crate::fsutil::part_path(path).map_err(|e| err(&e))?;
    let written = match ext.as_str() {
        "csv" => write_csv(&part, columns, rows).map_err(|e| err(&e)),
        "xlsx" => write_xlsx(&part, sheet, columns, rows, &shown),
        _ => return Err(TableOutError::Format(shown)),
    };
    match written {
        Ok(n) => {
            crate::fsutil::commit_part(&part, path).map_err(|e| err(&e))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

/// A number as a table shows it: no trailing zeros, at most 6 decimals.
pub fn number_text(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn write_csv(
    part: &Path,
    columns: &[OutColumn],
    rows: &mut dyn Iterator<Item = Vec<Value>>,
) -> Result<usize, Box<dyn std::error::Error>> {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(part)?);
    file.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(columns.iter().map(|c| c.heading.as_str()))?;
    let mut n = 0;
    for row in rows {
        w.write_record(row.iter().map(|v| match v {
            Value::Null => String::new(),
            Value::Num(x) => number_text(*x),
            Value::Text(t) => t.clone(),
        }))?;
        n += 1;
    }
    let file = w.into_inner().map_err(|e| e.to_string())?;
    file.into_inner().map_err(|e| e.to_string())?.sync_all()?;
    Ok(n)
}

fn write_xlsx(
    part: &Path,
    sheet: &str,
    columns: &[OutColumn],
    rows: &mut dyn Iterator<Item = Vec<Value>>,
    shown: &str,
) -> Result<usize, TableOutError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: &dyn std::fmt::Display| TableOutError::Write {
        path: shown.to_string(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    // A sheet name is at most 31 characters, without []:*?/\.
    let name: String = sheet
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        ws.set_name(name.trim()).map_err(|e| err(&e))?;
    }
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = Vec::with_capacity(columns.len());
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, c.heading.as_str(), &bold)
            .map_err(|e| err(&e))?;
        widths.push(c.heading.chars().count());
    }
    let mut n = 0usize;
    for row in rows {
        if n >= XLSX_MAX_ROWS {
            return Err(TableOutError::TooLong(shown.to_string(), n + 1));
        }
        let r = (n + 1) as u32;
        for (i, v) in row.iter().enumerate().take(columns.len()) {
            let c = i as u16;
            match v {
                Value::Null => {}
                Value::Num(x) if x.is_finite() => {
                    ws.write_number(r, c, *x).map_err(|e| err(&e))?;
                    widths[i] = widths[i].max(number_text(*x).len());
                }
                Value::Num(_) => {}
                Value::Text(t) => {
                    ws.write_string(r, c, t.as_str()).map_err(|e| err(&e))?;
                    widths[i] = widths[i].max(t.chars().count());
                }
            }
        }
        n += 1;
    }
    if !columns.is_empty() {
        ws.set_freeze_panes(1, 0).map_err(|e| err(&e))?;
        ws.autofilter(0, 0, n as u32, (columns.len() - 1) as u16)
            .map_err(|e| err(&e))?;
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(i as u16, (*w).clamp(6, 60) as f64 + 1.0)
                .map_err(|e| err(&e))?;
        }
    }
    book.save(part).map_err(|e| err(&e))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> Vec<OutColumn> {
        vec![
            OutColumn {
                heading: "Tên".into(),
                numeric: false,
            },
            OutColumn {
                heading: "Diện tích (ha)".into(),
                numeric: true,
            },
        ]
    }

    fn rows() -> Vec<Vec<Value>> {
        vec![
            vec![Value::Text("CCN Hà Khánh".into()), Value::Num(120.5)],
            vec![Value::Text("Đông Mai, \"B\"".into()), Value::Null],
        ]
    }

    #[test]
    fn csv_keeps_vietnamese_quotes_and_empty_cells() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bang.csv");
        let n = write_table(&p, "x", &cols(), &mut rows().into_iter()).unwrap();
        assert_eq!(n, 2);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            text,
            "\u{feff}Tên,Diện tích (ha)\nCCN Hà Khánh,120.5\n\"Đông Mai, \"\"B\"\"\",\n"
        );
    }

    #[test]
    fn xlsx_is_a_zip_and_a_wrong_extension_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bang.xlsx");
        assert_eq!(
            write_table(&p, "Khu: công nghiệp", &cols(), &mut rows().into_iter()).unwrap(),
            2
        );
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let bad = dir.path().join("bang.ods");
        assert!(matches!(
            write_table(&bad, "x", &cols(), &mut rows().into_iter()),
            Err(TableOutError::Format(_))
        ));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
