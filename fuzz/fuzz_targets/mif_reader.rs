//! The MapInfo MIF/MID reader on arbitrary bytes: objects and records read or an error, never
//! a panic. The first two bytes give the length of the .mid part; the rest is the .mif.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let n = usize::from(u16::from_le_bytes([data[0], data[1]])).min(data.len() - 2);
    let (mid, mif) = data[2..].split_at(n);
    let _ = qn_planner::io::mif::read_all(mif, mid);
});
