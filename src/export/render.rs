//! Rendering a composed page: PNG with resvg, PDF with svg2pdf (the bundled font embedded as a
//! subset), and writing files whole or not at all (synced temporary file, then rename).

use super::{ExportError, NOTO_SANS, NOTO_SANS_BOLD, Page};
use std::path::Path;

/// usvg options with the bundled fonts as the only fonts: what is printed is what the window
/// shows, on any machine.
pub fn svg_options() -> usvg::Options<'static> {
    let mut opt = usvg::Options {
        font_family: "Noto Sans".into(),
        ..Default::default()
    };
    let db = opt.fontdb_mut();
    db.load_font_data(NOTO_SANS.to_vec());
    db.load_font_data(NOTO_SANS_BOLD.to_vec());
    db.set_sans_serif_family("Noto Sans");
    opt
}

/// Parses the page's whole SVG back (checks it is well formed).
pub fn tree(page: &Page) -> Result<usvg::Tree, ExportError> {
    parse(&page.full_svg()?)
}

fn parse(svg: &str) -> Result<usvg::Tree, ExportError> {
    usvg::Tree::from_str(svg, &svg_options()).map_err(|e| ExportError::Svg(e.to_string()))
}

/// Pixel size of a page at `dpi`.
pub fn pixel_size(page: &Page, dpi: u32) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
    (px(page.width_mm), px(page.height_mm))
}

/// The page as a PNG at `dpi`.
pub fn png(page: &Page, dpi: u32) -> Result<Vec<u8>, ExportError> {
    encode_png(&pixels(page, dpi)?)
}

/// A PNG of `pixmap`.
pub fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, ExportError> {
    pixmap
        .encode_png()
        .map_err(|e| ExportError::Png(e.to_string()))
}

/// The page drawn at `dpi`.
pub fn pixels(page: &Page, dpi: u32) -> Result<tiny_skia::Pixmap, ExportError> {
    if !(36..=1200).contains(&dpi) {
        return Err(ExportError::DpiOutside(dpi));
    }
    let (w, h) = pixel_size(page, dpi);
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| ExportError::Png(format!("cannot allocate {w}×{h} pixels")))?;
    // The SVG's size is in CSS pixels (its width is given in mm); the raster is placed in mm.
    let fit = |t: &usvg::Tree| {
        tiny_skia::Transform::from_scale(w as f32 / t.size().width(), h as f32 / t.size().height())
    };
    match (page.split_svg(), &page.raster) {
        // The reference image is drawn straight between the two halves of the page: no
        // PNG round trip for an image of possibly millions of features.
        (Some((under, over)), Some(r)) => {
            // (Drawing the two halves on two threads was slower here: the machine's two
            // cores share one physical core.)
            let under = parse(&under)?;
            resvg::render(&under, fit(&under), &mut pixmap.as_mut());
            let (sx, sy) = (
                w as f32 / page.width_mm as f32,
                h as f32 / page.height_mm as f32,
            );
            let (ox, oy) = ((r.x_mm as f32 * sx).round(), (r.y_mm as f32 * sy).round());
            let (rw, rh) = (r.w_mm as f32 * sx, r.h_mm as f32 * sy);
            if (rw - r.pixmap.width() as f32).abs() < 1.0
                && (rh - r.pixmap.height() as f32).abs() < 1.0
            {
                // Drawn at its own resolution: a plain blend, pixel for pixel.
                blend_over(&mut pixmap, &r.pixmap, ox as i64, oy as i64);
            } else {
                let paint = tiny_skia::PixmapPaint {
                    quality: tiny_skia::FilterQuality::Nearest,
                    ..Default::default()
                };
                let place = tiny_skia::Transform::from_row(
                    rw / r.pixmap.width() as f32,
                    0.0,
                    0.0,
                    rh / r.pixmap.height() as f32,
                    r.x_mm as f32 * sx,
                    r.y_mm as f32 * sy,
                );
                pixmap.draw_pixmap(0, 0, r.pixmap.as_ref(), &paint, place, None);
            }
            let over = parse(&over)?;
            resvg::render(&over, fit(&over), &mut pixmap.as_mut());
        }
        _ => {
            let t = tree(page)?;
            resvg::render(&t, fit(&t), &mut pixmap.as_mut());
        }
    }
    Ok(pixmap)
}

/// Lays `src` (premultiplied) over `dst` with its top-left corner at (`ox`, `oy`).
fn blend_over(dst: &mut tiny_skia::Pixmap, src: &tiny_skia::Pixmap, ox: i64, oy: i64) {
    let (dw, dh) = (i64::from(dst.width()), i64::from(dst.height()));
    let sw = src.width() as usize;
    let d = dst.data_mut();
    let s = src.data();
    for y in 0..i64::from(src.height()) {
        let ty = y + oy;
        if ty < 0 || ty >= dh {
            continue;
        }
        let x0 = (-ox).max(0);
        let x1 = (dw - ox).min(sw as i64);
        if x1 <= x0 {
            continue;
        }
        let srow = &s[(y as usize * sw + x0 as usize) * 4..(y as usize * sw + x1 as usize) * 4];
        let start = ((ty * dw + ox + x0) * 4) as usize;
        let drow = &mut d[start..start + srow.len()];
        for (dp, sp) in drow.chunks_exact_mut(4).zip(srow.chunks_exact(4)) {
            let a = u32::from(sp[3]);
            if a == 0 {
                continue;
            }
            if a == 255 {
                dp.copy_from_slice(sp);
                continue;
            }
            let inv = 255 - a;
            for k in 0..4 {
                dp[k] = (u32::from(sp[k]) + (u32::from(dp[k]) * inv + 127) / 255) as u8;
            }
        }
    }
}

/// The pages as one PDF, each page its paper size, text as text in the embedded font.
pub fn pdf(pages: &[Page]) -> Result<Vec<u8>, ExportError> {
    pdf_with_bookmarks(pages, None)
}

/// The pages as one PDF with a bookmark per page (`titles`, one per page), as an atlas is
/// navigated.
pub fn pdf_with_bookmarks(
    pages: &[Page],
    titles: Option<&[String]>,
) -> Result<Vec<u8>, ExportError> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree_id = alloc.bump();
    let page_ids: Vec<Ref> = pages.iter().map(|_| alloc.bump()).collect();
    let mut out = Pdf::new();
    let titles = titles.filter(|t| t.len() == pages.len() && !t.is_empty());
    let outline = titles.map(|_| alloc.bump());
    {
        let mut cat = out.catalog(catalog);
        cat.pages(tree_id);
        if let Some(o) = outline {
            cat.outlines(o);
            cat.page_mode(pdf_writer::types::PageMode::UseOutlines);
        }
    }
    if let (Some(titles), Some(outline)) = (titles, outline) {
        let items: Vec<Ref> = titles.iter().map(|_| alloc.bump()).collect();
        out.outline(outline)
            .first(items[0])
            .last(items[items.len() - 1])
            .count(items.len() as i32);
        for (i, (title, id)) in titles.iter().zip(&items).enumerate() {
            let mut item = out.outline_item(*id);
            item.title(TextStr(title)).parent(outline);
            if i > 0 {
                item.prev(items[i - 1]);
            }
            if i + 1 < items.len() {
                item.next(items[i + 1]);
            }
            item.dest().page(page_ids[i]).fit();
        }
    }
    out.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    // Each page converted on its own (the costly part: parsing, fonts subset, paths), on
    // every core; then numbered into the document in page order.
    let converted = convert_all(pages)?;
    let mut chunks = Vec::new();
    for ((page, id), (chunk, svg_id)) in pages.iter().zip(&page_ids).zip(converted) {
        let mut map = std::collections::HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
        let svg_id = *map
            .get(&svg_id)
            .ok_or_else(|| ExportError::Pdf("lost the SVG object".into()))?;
        let content_id = alloc.bump();
        let (w_pt, h_pt) = (page.width_mm / 25.4 * 72.0, page.height_mm / 25.4 * 72.0);
        let mut p = out.page(*id);
        p.media_box(Rect::new(0.0, 0.0, w_pt as f32, h_pt as f32));
        p.parent(tree_id);
        p.contents(content_id);
        p.resources().x_objects().pair(Name(b"S1"), svg_id);
        p.finish();
        let mut content = Content::new();
        content
            .transform([w_pt as f32, 0.0, 0.0, h_pt as f32, 0.0, 0.0])
            .x_object(Name(b"S1"));
        out.stream(content_id, &content.finish());
        chunks.push(chunk);
    }
    for c in &chunks {
        out.extend(c);
    }
    Ok(out.finish())
}

/// Every page as a PDF chunk and the id of its drawing, in page order, converted on as many
/// threads as the machine has cores (a page at a time each).
fn convert_all(pages: &[Page]) -> Result<Vec<(pdf_writer::Chunk, pdf_writer::Ref)>, ExportError> {
    let convert = |page: &Page| -> Result<(pdf_writer::Chunk, pdf_writer::Ref), ExportError> {
        let t = tree(page)?;
        svg2pdf::to_chunk(&t, svg2pdf::ConversionOptions::default())
            .map_err(|e| ExportError::Pdf(e.to_string()))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(pages.len())
        .max(1);
    if threads == 1 {
        return pages.iter().map(convert).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<(pdf_writer::Chunk, pdf_writer::Ref), ExportError>>> =
        (0..pages.len()).map(|_| None).collect();
    let done = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(page) = pages.get(i) else { break };
                    let r = convert(page);
                    if let Ok(mut slots) = done.lock() {
                        slots[i] = Some(r);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| Err(ExportError::Pdf("a page was not converted".into()))))
        .collect()
}

/// Writes `bytes` to `path` whole or not at all (see [`crate::fsutil`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::fsutil::write_atomic(path, bytes).map_err(|e| ExportError::Io {
        path: path.display().to_string(),
        source: Box::new(e),
    })
}
