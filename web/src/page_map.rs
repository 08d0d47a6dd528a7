//! One member's db file as a grid of its pages, coloured by kind (meta, freelist, branch, leaf,
//! overflow, free, pending), with the count of each kind, the bucket owning a page on hover,
//! and the bytes a defrag would give back. Drawn on a canvas: a 2 GiB db has half a million
//! pages, too many for DOM cells; past the grid's capacity one cell stands for several pages
//! and takes the kind most of them have.

use leptos::html;
use leptos::prelude::*;
use playground_server::{PageMap, PAGE_KINDS};
use wasm_bindgen::JsCast;

use crate::context::PlaygroundContext;
use crate::members::size;
use crate::panels::{MemberSelect, PanelState};

/// Cell pitch in CSS pixels (the cell is one pixel smaller), and the grid's largest height.
const PITCH: u32 = 9;
const MAX_ROWS: u32 = 40;

/// The colour of each kind, `lost` last.
pub fn colour(kind: &str) -> &'static str {
    match kind {
        "meta" => "#c792ea",
        "freelist" => "#ffcb6b",
        "branch" => "#f78c6c",
        "leaf" => "#4aa3ff",
        "overflow" => "#2e6bb0",
        "free" => "#263040",
        "pending" => "#7fd4a8",
        _ => "#ff5370",
    }
}

/// How the grid lays out `pages` in `columns`: pages per cell and rows.
pub fn layout(pages: usize, columns: u32) -> (usize, u32) {
    let columns = columns.max(1) as usize;
    let capacity = columns * MAX_ROWS as usize;
    let per_cell = pages.div_ceil(capacity).max(1);
    let cells = pages.div_ceil(per_cell);
    (per_cell, cells.div_ceil(columns) as u32)
}

/// The kind most pages of `cell` have (ties to the earlier kind of [`PAGE_KINDS`]).
fn dominant<'a>(cell: impl Iterator<Item = &'a str>) -> &'a str {
    let mut counts = [0usize; 8];
    let mut lost = "lost";
    for kind in cell {
        match PAGE_KINDS.iter().position(|k| *k == kind) {
            Some(i) => counts[i] += 1,
            None => {
                counts[7] += 1;
                lost = kind;
            }
        }
    }
    let best = (0..8).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if best == 7 {
        lost
    } else {
        PAGE_KINDS[best]
    }
}

fn draw(canvas: &web_sys::HtmlCanvasElement, map: &PageMap) {
    let columns = (canvas.client_width().max(PITCH as i32) as u32) / PITCH;
    let (per_cell, rows) = layout(map.pages.len(), columns);
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (width, height) = (columns * PITCH, rows.max(1) * PITCH);
    canvas.set_width((f64::from(width) * ratio) as u32);
    canvas.set_height((f64::from(height) * ratio) as u32);
    let _ = web_sys::HtmlElement::style(canvas).set_property("height", &format!("{height}px"));
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = ctx.scale(ratio, ratio);
    for (i, cell) in map.pages.chunks(per_cell).enumerate() {
        let kind = dominant(cell.iter().map(|p| p.kind));
        ctx.set_fill_style_str(colour(kind));
        let (x, y) = ((i as u32 % columns) * PITCH, (i as u32 / columns) * PITCH);
        ctx.fill_rect(f64::from(x), f64::from(y), f64::from(PITCH - 1), f64::from(PITCH - 1));
    }
}

#[component]
pub fn PageMapPanel() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let panel = expect_context::<PanelState>();
    // The map is rebuilt only when the member's figures moved, not on every frame.
    let fingerprint = Memo::new(move |_| {
        let member = panel.member.get();
        let state = context.read(|p| p.members().into_iter().find(|m| m.name == member));
        (
            member,
            state.map(|s| {
                (s.up, s.db_size, s.db_size_in_use, s.revision, s.compact_revision, s.applied_index)
            }),
        )
    });
    let map: Memo<Option<PageMap>> = Memo::new(move |_| {
        let (member, _) = fingerprint.get();
        context.shared().with(|p| p.page_map(&member))
    });
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let hover = RwSignal::new(String::new());
    Effect::new(move |_| {
        let map = map.get();
        if let (Some(canvas), Some(map)) = (canvas_ref.get(), map.as_ref()) {
            draw(&canvas, map);
        }
    });
    let on_move = move |ev: web_sys::MouseEvent| {
        let (Some(canvas), Some(text)) = (
            canvas_ref.get_untracked(),
            map.with_untracked(|m| m.as_ref().map(|m| (m.pages.len(), m.page_size))),
        ) else {
            return;
        };
        let columns = (canvas.client_width().max(PITCH as i32) as u32) / PITCH;
        let (per_cell, _) = layout(text.0, columns);
        let (x, y) = (ev.offset_x().max(0) as u32 / PITCH, ev.offset_y().max(0) as u32 / PITCH);
        let first = ((y * columns + x) as usize) * per_cell;
        let described = map.with_untracked(|m| {
            let m = m.as_ref()?;
            let page = m.pages.get(first)?;
            let id = if per_cell == 1 {
                format!("page {first}")
            } else {
                format!("pages {first}–{}", (first + per_cell - 1).min(m.pages.len() - 1))
            };
            let owner = page.bucket.as_deref().map(|b| format!(" of bucket {b}")).unwrap_or_default();
            Some(format!("{id}: {}{owner} (offset {})", page.kind, first * m.page_size))
        });
        hover.set(described.unwrap_or_default());
    };
    let counts = move || {
        map.get().map(|m| {
            let items = PAGE_KINDS
                .iter()
                .zip(m.counts)
                .map(|(kind, count)| {
                    view! {
                        <li>
                            <span class="swatch" style=format!("background: {}", colour(kind))></span>
                            {kind.to_string()} " "
                            <b data-testid=format!("page-count-{kind}")>{count}</b>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <ul class="page-counts">{items}</ul>
                <p class="muted summary">
                    {m.pages.len()} " pages of " {m.page_size} " bytes (" {size(m.pages.len() as u64 * m.page_size as u64)} "); a defrag gives back about "
                    <b data-testid="page-map-reclaimable" data-bytes=m.reclaimable_bytes>{size(m.reclaimable_bytes)}</b>
                    " (free and pending pages)"
                </p>
            }
        })
    };
    view! {
        <section class="page-map" data-testid="page-map" data-member=move || panel.member.get()>
            <MemberSelect />
            {move || {
                map.with(Option::is_none).then(|| {
                    let name = panel.member.get_untracked();
                    view! { <p class="muted">{format!("{name:.40} is down or no member: no db open to map.")}</p> }
                })
            }}
            {counts}
            <canvas node_ref=canvas_ref class="page-grid" data-testid="page-grid"
                on:mousemove=on_move on:mouseleave=move |_| hover.set(String::new())></canvas>
            <p class="page-hover" data-testid="page-map-hover">{move || hover.get()}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_holds_any_file_in_its_rows() {
        assert_eq!(layout(100, 50), (1, 2));
        assert_eq!(layout(2000, 50), (1, 40));
        // Half a million pages (2 GiB) in 50 columns: 250 pages per cell.
        let (per_cell, rows) = layout(524_288, 50);
        assert_eq!(per_cell, 263);
        assert!(rows <= MAX_ROWS);
        assert_eq!(layout(0, 0), (1, 0));
        assert_eq!(dominant(["leaf", "free", "free"].into_iter()), "free");
        assert_eq!(dominant(["leaf", "free"].into_iter()), "leaf");
    }
}
