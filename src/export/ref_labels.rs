//! Labels of the reference layers on an exported map, as the window draws them: the style's
//! label field (set in the style panel, as in QGIS's Labels tab), within the style's scale
//! range, in its size, colour and halo, centred on each feature (a polygon's box centre, a
//! point), as vector text. The largest features are labelled first; a label that would cover
//! a planning site's label or symbol, a town's, the scale bar, the north arrow or another
//! reference label is left out, and at most [`MAX_LABELS`] are drawn per layer.

use super::compose::Composer;
use super::frame::Frame;
use super::{ExportError, MapSpec, esc, palette};
use crate::analysis::labels::Bbox;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Labels drawn per reference layer at most.
pub const MAX_LABELS: usize = 800;
/// Features considered per layer (the largest in the frame).
const CANDIDATES: usize = 4_000;

impl Composer {
    /// Writes the reference layers' labels into `svg`; `taken` holds the boxes (page mm) no
    /// label may cover, and gets the labels written. Returns how many were written.
    pub(super) fn reference_labels(
        &self,
        svg: &mut String,
        spec: &MapSpec,
        fr: &Frame,
        taken: &mut Vec<Bbox>,
    ) -> Result<usize, ExportError> {
        let denominator = fr.m_per_mm * 1000.0;
        let frame = fr.bbox();
        // The frame in lon/lat, from its corners and edge middles.
        let (hw, hh) = (fr.w / 2.0 * fr.m_per_mm, fr.h / 2.0 * fr.m_per_mm);
        let ll: Vec<(f64, f64)> = [
            (-1.0, -1.0),
            (1.0, -1.0),
            (1.0, 1.0),
            (-1.0, 1.0),
            (0.0, -1.0),
            (0.0, 1.0),
        ]
        .iter()
        .filter_map(|(a, b)| {
            self.tm3
                .lonlat_from_tm3(fr.centre[0] + a * hw, fr.centre[1] + b * hh)
                .ok()
        })
        .collect();
        if ll.len() < 6 {
            return Ok(0);
        }
        let window = [
            ll.iter().map(|p| p.0).fold(f64::MAX, f64::min),
            ll.iter().map(|p| p.0).fold(f64::MIN, f64::max),
            ll.iter().map(|p| p.1).fold(f64::MAX, f64::min),
            ll.iter().map(|p| p.1).fold(f64::MIN, f64::max),
        ];
        let mut written = 0;
        for l in &spec.reference {
            let Some(style) = l.style.as_ref() else {
                continue;
            };
            let Some(field) = style.labels.field.as_deref() else {
                continue;
            };
            if !style.shows_at(denominator) || !style.labels_at(denominator) {
                continue;
            }
            let db = |e: crate::store::StoreError| ExportError::Io {
                path: format!("{}, reference layer {}", l.path.display(), l.table),
                source: Box::new(e),
            };
            let reader = crate::store::LayerReader::open(&l.path, &l.table).map_err(db)?;
            let mut entries = reader.entries(Some(window)).map_err(db)?;
            // The largest first: a district before its parcels.
            let size = |b: &[f64; 4]| (b[1] - b[0]) * (b[3] - b[2]);
            entries.sort_by(|a, b| size(&b.1).total_cmp(&size(&a.1)).then(a.0.cmp(&b.0)));
            entries.truncate(CANDIDATES);
            let wanted: HashSet<i64> = entries.iter().map(|(fid, _)| *fid).collect();
            let mut texts: HashMap<i64, String> = HashMap::with_capacity(wanted.len());
            reader
                .values(field, &mut |fid, v| {
                    if wanted.contains(&fid)
                        && let Some(t) = v.key().filter(|t| !t.trim().is_empty())
                    {
                        texts.insert(fid, t.trim().to_string());
                    }
                })
                .map_err(db)?;
            let lb = &style.labels;
            let size_mm = f64::from(lb.size_pt) * 0.352_778;
            let mut drawn = 0;
            for (fid, b) in &entries {
                if drawn >= MAX_LABELS {
                    break;
                }
                let Some(text) = texts.get(fid) else { continue };
                let (lon, lat) = ((b[0] + b[1]) / 2.0, (b[2] + b[3]) / 2.0);
                let Ok((e, n)) = self.tm3.tm3_from_lonlat(lon, lat) else {
                    continue;
                };
                let (x, y) = fr.to_page([e, n]);
                let w = self.metrics.width(text, size_mm, false) + 0.4;
                let h = size_mm * 1.25;
                // Centred on the feature, else just above, below, left or right of its centre
                // (QGIS's "around centroid"), the first place that is free.
                let placed = [
                    (0.0, 0.0),
                    (0.0, -h),
                    (0.0, h),
                    (-w / 2.0, 0.0),
                    (w / 2.0, 0.0),
                ]
                .iter()
                .map(|(dx, dy)| {
                    Bbox::new(
                        [(x + dx - w / 2.0) as f32, (y + dy - h / 2.0) as f32],
                        [(x + dx + w / 2.0) as f32, (y + dy + h / 2.0) as f32],
                    )
                })
                .find(|bx| bx.inside(&frame) && !taken.iter().any(|t| t.intersects(bx)));
                let Some(bx) = placed else { continue };
                let (x, y) = (
                    f64::from(bx.min[0] + bx.max[0]) / 2.0,
                    f64::from(bx.min[1] + bx.max[1]) / 2.0,
                );
                let (tx, ty) = (x - w / 2.0 + 0.2, y + h / 2.0 - size_mm * 0.32);
                if lb.halo_mm > 0.0 {
                    let _ = write!(
                        svg,
                        r##"<text x="{tx:.2}" y="{ty:.2}" font-size="{size_mm:.2}" fill="none" stroke="{}" stroke-width="{:.2}" stroke-linejoin="round">{}</text>"##,
                        palette::hex(lb.halo_colour),
                        2.0 * f64::from(lb.halo_mm),
                        esc(text)
                    );
                }
                let _ = write!(
                    svg,
                    r##"<text x="{tx:.2}" y="{ty:.2}" font-size="{size_mm:.2}" fill="{}">{}</text>"##,
                    palette::hex(lb.colour),
                    esc(text)
                );
                taken.push(bx);
                drawn += 1;
            }
            written += drawn;
        }
        Ok(written)
    }
}
