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
    /// Placed away from its symbol (an outer ring): draw a leader line to it.
    pub leader: bool,
}

/// How far a box is from a symbol of radius `r` at `p` (0 when they touch).
fn gap_to(b: &Bbox, p: [f32; 2], r: f32) -> f32 {
    let dx = (b.min[0] - p[0]).max(p[0] - b.max[0]).max(0.0);
    let dy = (b.min[1] - p[1]).max(p[1] - b.max[1]).max(0.0);
    (dx.hypot(dy) - r).max(0.0)
}

/// Places labels in order of priority (then input order), trying eight positions around the
/// anchor, then the same eight farther out (four times; the app and the exports draw a leader line
/// to those, [`Placed::leader`]). A label is placed only where its box touches no placed
/// label and no `obstacles` box and lies inside `bounds`; beside its symbol (no leader line)
/// only where it is no nearer any other candidate's symbol than its own, so a label is never
/// read as another symbol's — when that cannot be, it moves out and its leader line says whose
/// it is.
///
/// ```
/// use qn_planner::analysis::labels::{Bbox, Candidate, place_labels};
/// let site = |x: f32, priority| Candidate { anchor: [x, 50.0], size: [40.0, 10.0], gap: 4.0, priority };
/// // Two symbols side by side on a 200 × 100 map: both labels fit, neither on the other.
/// let placed = place_labels(&[site(60.0, 1), site(120.0, 2)], &[], Bbox::new([0.0, 0.0], [200.0, 100.0]));
/// assert_eq!(placed.len(), 2);
/// assert!(!placed[0].bbox.intersects(&placed[1].bbox));
/// ```
pub fn place_labels(candidates: &[Candidate], obstacles: &[Bbox], bounds: Bbox) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|&i| candidates[i].priority);
    let mut placed: Vec<Placed> = Vec::new();
    for i in order {
        let c = &candidates[i];
        let [w, h] = c.size;
        let [x, y] = c.anchor;
        let mut tries = Vec::with_capacity(40);
        // Farther rings scale with the text: the same in screen points and in paper mm.
        for extra in [0.0, 0.5 * h, 1.15 * h, 2.0 * h, 3.0 * h] {
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
        // First every position where the label is nearest its own symbol; only when none is
        // free, the outer position clearest of the other symbols (its leader line then says
        // whose it is).
        let free = |b: &Bbox, placed: &[Placed]| {
            b.inside(&bounds)
                && !placed.iter().any(|p| p.bbox.intersects(b))
                && !obstacles.iter().any(|o| o.intersects(b))
        };
        let nearest_other = |b: &Bbox| {
            candidates
                .iter()
                .enumerate()
                .filter(|(j, o)| *j != i && o.anchor != c.anchor)
                .map(|(_, o)| gap_to(b, o.anchor, o.gap))
                .fold(f32::INFINITY, f32::min)
        };
        let boxes: Vec<Bbox> = tries
            .iter()
            .map(|[x0, y0]| Bbox::new([*x0, *y0], [x0 + w, y0 + h]))
            .collect();
        let strict = boxes
            .iter()
            .enumerate()
            .find(|(_, b)| free(b, &placed) && nearest_other(b) >= gap_to(b, c.anchor, c.gap));
        let chosen = strict.or_else(|| {
            boxes
                .iter()
                .enumerate()
                .skip(8)
                .filter(|(_, b)| free(b, &placed))
                .max_by(|a, b| {
                    // Clearance from the others, less the distance from its own symbol: as
                    // unambiguous as it gets without a long leader.
                    let score = |b: &Bbox| nearest_other(b) - 0.5 * gap_to(b, c.anchor, c.gap);
                    score(a.1).total_cmp(&score(b.1)).then(b.0.cmp(&a.0))
                })
        });
        if let Some((t, b)) = chosen {
            placed.push(Placed {
                index: i,
                bbox: *b,
                leader: t >= 8,
            });
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

    #[test]
    fn a_label_is_never_nearer_another_symbol_than_its_own() {
        // Cẩm Phả's town dot with Hà Khánh's marker 14 px to its right: the town label must
        // not sit beside Hà Khánh (its first choice, to the right, would).
        let c = vec![
            Candidate {
                anchor: [100.0, 100.0],
                size: [60.0, 14.0],
                gap: 3.5,
                priority: 25,
            },
            Candidate {
                anchor: [114.0, 100.0],
                size: [70.0, 14.0],
                gap: 7.0,
                priority: 10,
            },
        ];
        let bounds = Bbox::new([0.0, 0.0], [400.0, 400.0]);
        let placed = place_labels(&c, &[], bounds);
        assert_eq!(placed.len(), 2);
        for p in placed.iter().filter(|p| !p.leader) {
            let own = gap_to(&p.bbox, c[p.index].anchor, c[p.index].gap);
            for (j, o) in c.iter().enumerate() {
                if j != p.index {
                    assert!(
                        gap_to(&p.bbox, o.anchor, o.gap) >= own,
                        "label {} is nearer symbol {j} than its own: {p:?}",
                        p.index
                    );
                }
            }
        }
        // Random crowds: the rule holds for every placed label.
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 1000) as f32 / 1000.0
        };
        let cands: Vec<Candidate> = (0..60)
            .map(|k| Candidate {
                anchor: [rnd() * 600.0, rnd() * 400.0],
                size: [40.0 + rnd() * 60.0, 14.0],
                gap: 5.0,
                priority: k % 4,
            })
            .collect();
        let placed = place_labels(&cands, &[], Bbox::new([0.0, 0.0], [600.0, 400.0]));
        assert!(placed.len() > 20);
        assert!(
            placed.iter().any(|p| p.leader),
            "a crowd needs some leader lines"
        );
        for p in placed.iter().filter(|p| !p.leader) {
            let own = gap_to(&p.bbox, cands[p.index].anchor, cands[p.index].gap);
            assert!(cands.iter().enumerate().all(|(j, o)| j == p.index
                || o.anchor == cands[p.index].anchor
                || gap_to(&p.bbox, o.anchor, o.gap) >= own));
        }
    }
}
