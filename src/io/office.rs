//! What the readers of the office's files (Shapefile, MapInfo MIF/MID, DXF) have in common:
//! features one at a time in the file's own coordinates, the coordinate system the file
//! declares (or a declaration qn-planner cannot read, which is shown and asked about, never
//! guessed), the text encoding chosen and why, and notes on what reading changed.

use super::encoding::Choice;
use super::feature::{ImportError, RawFeature};
use super::prj::{Declared, Unread};

pub trait OfficeReader: Send {
    /// The next feature, `None` after the last.
    fn next_feature(&mut self) -> Result<Option<RawFeature>, ImportError>;
    /// The declared system: `None` if the file declares none.
    fn declaration(&self) -> Option<&Result<Declared, Unread>>;
    /// The text encoding and why it was chosen.
    fn encoding(&self) -> &Choice;
    /// What reading noticed and did (Z dropped, capitals recased, objects skipped…).
    fn notes(&self) -> Vec<String>;
    /// Records read and the total (or bytes read and the size).
    fn position(&self) -> (u64, u64);
}
