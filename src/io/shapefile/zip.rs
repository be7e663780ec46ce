//! Office files inside a `.zip`: the Shapefiles it holds, and each member read no further than
//! it declares, refused before a byte is unpacked when it claims more than a Shapefile part can
//! be or a packing ratio no Shapefile has; large members spilled to a temporary file.

use super::{Opened, Stream, file_at, header_err, io_err};
use crate::io::feature::{ImportError, bad};
use crate::io::problem::Problem;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The Shapefiles in a `.zip` (the names of their `.shp` entries).
pub fn zip_members(zip: &Path) -> Result<Vec<String>, ImportError> {
    let file = crate::fsutil::open_input(zip).map_err(|e| io_err(zip, e))?;
    let archive = zip::ZipArchive::new(file).map_err(|e| {
        header_err(
            zip,
            format!("not a readable .zip ({e})"),
            format!("không phải tệp .zip đọc được ({e})"),
        )
    })?;
    Ok(archive
        .file_names()
        .filter(|n| n.to_ascii_lowercase().ends_with(".shp") && !n.starts_with("__MACOSX"))
        .map(str::to_string)
        .collect())
}

/// The parts of Shapefile `member` (its `.shp` entry name or stem; the only one if `None`)
/// inside `zip`, decompressed into memory.
pub(super) fn open_zip(zip: &Path, member: Option<&str>) -> Result<Opened, ImportError> {
    let members = zip_members(zip)?;
    let shp_name = match member {
        Some(m) => members
            .iter()
            .find(|n| {
                n.as_str() == m
                    || Path::new(n.as_str())
                        .file_stem()
                        .is_some_and(|s| s.to_string_lossy() == m)
            })
            .cloned()
            .ok_or_else(|| bad(file_at(zip), Problem::ChooseLayer(members.clone())))?,
        None => match members.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(bad(file_at(zip), Problem::MissingPart(".shp".into())));
            }
            _ => return Err(bad(file_at(zip), Problem::ChooseLayer(members.clone()))),
        },
    };
    let file = crate::fsutil::open_input(zip).map_err(|e| io_err(zip, e))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| io_err(zip, e))?;
    let stem = &shp_name[..shp_name.len() - 4];
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    let inner = |ext: &str| zip.join(format!("{stem}.{ext}"));
    // A member is read within what it declares and what a Shapefile can be (2 GiB a part),
    // and refused before any byte is unpacked when it claims a ratio no Shapefile has (a zip
    // bomb); a large one is unpacked to a temporary file, never into memory.
    let mut entry = |ext: &str| -> Result<Option<Member>, ImportError> {
        let want = format!("{stem}.{ext}").to_ascii_lowercase();
        let Some(name) = names.iter().find(|n| n.to_ascii_lowercase() == want) else {
            return Ok(None);
        };
        let f = archive.by_name(name).map_err(|e| io_err(&inner(ext), e))?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        if size > MAX_PART {
            return Err(zip_refused(zip, name, size, packed));
        }
        if size > RATIO_FROM && size / packed > MAX_RATIO {
            return Err(zip_refused(zip, name, size, packed));
        }
        read_member(f, size, &inner(ext)).map(Some)
    };
    let shp =
        entry("shp")?.ok_or_else(|| bad(file_at(zip), Problem::MissingPart(".shp".into())))?;
    let shx = entry("shx")?
        .ok_or_else(|| bad(file_at(&inner("shp")), Problem::MissingPart(".shx".into())))?;
    let dbf = entry("dbf")?
        .ok_or_else(|| bad(file_at(&inner("shp")), Problem::MissingPart(".dbf".into())))?;
    let prj = entry("prj")?.map(Member::into_bytes).transpose()?;
    let cpg = entry("cpg")?.map(Member::into_bytes).transpose()?;
    let shx = shx.into_bytes()?;
    let (shp_len, dbf_len) = (shp.len(), dbf.len());
    Ok(Opened {
        shp: (shp.into_stream(), shp_len, inner("shp")),
        shx: (shx, inner("shx")),
        dbf: (dbf.into_stream(), dbf_len, inner("dbf")),
        prj,
        cpg,
    })
}

/// A Shapefile part is at most 2 GiB (its offsets are 32-bit words).
pub(super) const MAX_PART: u64 = 1 << 31;

/// Members larger than this are refused when they claim more than [`MAX_RATIO`] bytes
/// unpacked for each byte packed: real DBF and SHP files pack 3–30 to 1.
pub(super) const RATIO_FROM: u64 = 16 << 20;

pub(super) const MAX_RATIO: u64 = 200;

/// Members larger than this are unpacked to a temporary file rather than into memory.
pub(super) const IN_MEMORY: u64 = 64 << 20;

pub(super) fn zip_refused(zip: &Path, name: &str, size: u64, packed: u64) -> ImportError {
    let mb = |b: u64| b as f64 / 1_048_576.0;
    header_err(
        zip,
        format!(
            "{name} would unpack to {:.0} MB from {:.1} MB: more than a Shapefile part can be, or than one packs to (a zip bomb?); refused before unpacking",
            mb(size),
            mb(packed)
        ),
        format!(
            "{name} sẽ giải nén thành {:.0} MB từ {:.1} MB: lớn hơn mức một phần Shapefile có thể có hoặc nén được (tệp zip độc hại?); không giải nén",
            mb(size),
            mb(packed)
        ),
    )
}

/// A member of a `.zip`, unpacked into memory or, when large, into a temporary file.
pub(super) enum Member {
    Memory(Vec<u8>),
    Spilled(Spill, u64),
}

impl Member {
    fn len(&self) -> u64 {
        match self {
            Member::Memory(b) => b.len() as u64,
            Member::Spilled(_, n) => *n,
        }
    }

    fn into_stream(self) -> Stream {
        match self {
            Member::Memory(b) => Box::new(std::io::Cursor::new(b)),
            Member::Spilled(s, _) => Box::new(s),
        }
    }

    fn into_bytes(self) -> Result<Vec<u8>, ImportError> {
        match self {
            Member::Memory(b) => Ok(b),
            Member::Spilled(mut s, _) => {
                let mut b = Vec::new();
                s.read_to_end(&mut b).map_err(|e| io_err(&s.path, e))?;
                Ok(b)
            }
        }
    }
}

/// A temporary file holding an unpacked member, removed when dropped.
pub(super) struct Spill {
    /// Always `Some` until dropped: closed before the file is removed (Windows does not remove
    /// an open file).
    file: Option<std::fs::File>,
    path: PathBuf,
}

impl Spill {
    fn file(&mut self) -> std::io::Result<&mut std::fs::File> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the temporary file is closed"))
    }
}

impl Read for Spill {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.file()?.read(buf)
    }
}

impl Seek for Spill {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.file()?.seek(pos)
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        drop(self.file.take());
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Unpacks `f` (declaring `size` bytes): never more than it declares.
pub(super) fn read_member(mut f: impl Read, size: u64, name: &Path) -> Result<Member, ImportError> {
    let lied = || {
        header_err(
            name,
            format!("unpacks to more than the {size} bytes the .zip declares for it"),
            format!("giải nén ra nhiều hơn {size} byte mà tệp .zip khai"),
        )
    };
    let mut limited = (&mut f).take(size + 1);
    if size <= IN_MEMORY {
        let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        limited.read_to_end(&mut buf).map_err(|e| io_err(name, e))?;
        if buf.len() as u64 > size {
            return Err(lied());
        }
        return Ok(Member::Memory(buf));
    }
    let (mut out, path) =
        crate::fsutil::temp_file("zip").map_err(|e| io_err(&std::env::temp_dir(), e))?;
    let spill = |file| Spill {
        file: Some(file),
        path: path.clone(),
    };
    let n = match std::io::copy(&mut limited, &mut out) {
        Ok(n) => n,
        Err(e) => {
            drop(spill(out));
            return Err(io_err(name, e));
        }
    };
    let mut s = spill(out);
    if n > size {
        return Err(lied());
    }
    s.seek(SeekFrom::Start(0)).map_err(|e| io_err(name, e))?;
    Ok(Member::Spilled(s, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zip_member_is_read_within_what_it_declares_and_large_ones_never_in_memory() {
        let name = Path::new("bomb.zip/x.dbf");
        // Small: in memory.
        let m = read_member(std::io::repeat(7).take(1000), 1000, name).unwrap();
        assert!(matches!(m, Member::Memory(ref b) if b.len() == 1000));
        // Unpacking to more than declared is refused.
        let e = read_member(std::io::repeat(7).take(2000), 1000, name)
            .err()
            .unwrap();
        assert!(e.to_string().contains("more than the 1000 bytes"), "{e}");
        // Large: unpacked to a temporary file, removed with the member.
        let size = IN_MEMORY + 1;
        let m = read_member(std::io::repeat(0).take(size), size, name).unwrap();
        let Member::Spilled(ref s, n) = m else {
            panic!("a large member is spilled")
        };
        assert_eq!(n, size);
        let path = s.path.clone();
        assert!(path.exists());
        let mut stream = m.into_stream();
        let mut head = [1u8; 4];
        stream.read_exact(&mut head).unwrap();
        assert_eq!(head, [0; 4]);
        drop(stream);
        assert!(!path.exists(), "the temporary file is removed");
    }
}
