//! Greedy label placement: labels never overlap each other; the less important ones are
//! dropped when there is no room. Used by the map canvas and (later) by map exports.

/// An axis-aligned box in screen units: min and max corners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub min: [f32; 2],
    pub max: [f32; 2],
}

impl Bbox {
    pub fn new(min: [f32; 2], max: [f32; 2]) -> Self {
        Self { min, max }
    }

    /// Whether the interiors of the two boxes intersect (touching edges do not count).
    pub fn intersects(&self, o: &Bbox) -> bool {
        self.min[0] < o.max[0]
            && o.min[0] < self.max[0]
            && self.min[1] < o.max[1]
            && o.min[1] < self.max[1]
    }

    pub fn inside(&self, o: &Bbox) -> bool {
        self.min[0] >= o.min[0]
            && self.min[1] >= o.min[1]
            && self.max[0] <= o.max[0]
            && self.max[1] <= o.max[1]
    }
}

/// A label that wants a place next to its anchor.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Anchor (the symbol's centre), y down.
    pub anchor: [f32; 2],
    /// Width and height of the text.
    pub size: [f32; 2],
    /// Radius of the symbol to keep clear of.
    pub gap: f32,
    /// Lower is more important.
    pub priority: u32,
}

/// Where a candidate's label went: its index and its box (top-left = `bbox.min`).
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub index: usize,
    pub bbox: Bbox,
}

/// Places labels in order of priority (then input order), trying eight positions around the
/// anchor, then the same eight farther out (twice; the app draws a leader line to those). A label is placed only where its box touches no placed label, no `obstacles` box
/// and lies inside `bounds`.
pub fn place_labels(candidates: &[Candidate], obstacles: &[Bbox], bounds: Bbox) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| candidates[i].priority);
    let mut placed: Vec<Placed> = Vec::new();
    for i in order {
        let c = &candidates[i];
        let [w, h] = c.size;
        let [x, y] = c.anchor;
        let mut tries = Vec::with_capacity(16);
        // Farther rings scale with the text: the same in screen points and in paper mm.
        for extra in [0.0, 0.5 * h, 1.15 * h] {
            let g = c.gap + 2.0 + extra;
            tries.extend([
                [x + g, y - h / 2.0],
                [x - g - w, y - h / 2.0],
                [x - w / 2.0, y - g - h],
                [x - w / 2.0, y + g],
                [x + g * 0.7, y - g * 0.7 - h],
                [x + g * 0.7, y + g * 0.7],
                [x - g * 0.7 - w, y - g * 0.7 - h],
                [x - g * 0.7 - w, y + g * 0.7],
            ]);
        }
        for [x0, y0] in tries {
            let b = Bbox::new([x0, y0], [x0 + w, y0 + h]);
            if !b.inside(&bounds) {
                continue;
            }
            if placed.iter().any(|p| p.bbox.intersects(&b))
                || obstacles.iter().any(|o| o.intersects(&b))
            {
                continue;
            }
            placed.push(Placed { index: i, bbox: b });
            break;
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(x: f32, y: f32, p: u32) -> Candidate {
        Candidate {
            anchor: [x, y],
            size: [60.0, 14.0],
            gap: 4.0,
            priority: p,
        }
    }

    #[test]
    fn crowded_labels_never_overlap_and_important_ones_win() {
        let bounds = Bbox::new([0.0, 0.0], [400.0, 300.0]);
        // 200 labels piled into a small area.
        let cands: Vec<Candidate> = (0..200)
            .map(|i| {
                cand(
                    100.0 + (i % 20) as f32 * 7.0,
                    100.0 + (i / 20) as f32 * 5.0,
                    (i % 5) as u32,
                )
            })
            .collect();
        let placed = place_labels(&cands, &[], bounds);
        assert!(!placed.is_empty() && placed.len() < 200);
        for (a, pa) in placed.iter().enumerate() {
            assert!(pa.bbox.inside(&bounds));
            for pb in &placed[a + 1..] {
                assert!(!pa.bbox.intersects(&pb.bbox), "{pa:?} overlaps {pb:?}");
            }
        }
        // The first label placed has the best priority.
        assert_eq!(cands[placed[0].index].priority, 0);
    }

    #[test]
    fn isolated_label_goes_right_of_its_symbol() {
        let p = place_labels(
            &[cand(50.0, 50.0, 0)],
            &[],
            Bbox::new([0.0, 0.0], [200.0, 200.0]),
        );
        assert_eq!(p.len(), 1);
        assert!(p[0].bbox.min[0] > 50.0);
    }

    #[test]
    fn obstacles_are_avoided() {
        let obstacle = Bbox::new([0.0, 0.0], [200.0, 45.0]);
        let p = place_labels(
            &[cand(50.0, 50.0, 0)],
            &[obstacle],
            Bbox::new([0.0, 0.0], [200.0, 200.0]),
        );
        assert_eq!(p.len(), 1);
        assert!(!p[0].bbox.intersects(&obstacle));
    }
}
