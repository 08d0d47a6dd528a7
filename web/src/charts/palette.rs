//! The charts' colours for each colour scheme. The page's own colours are CSS variables
//! (static/style.css); a canvas cannot read those cheaply per frame, so the same choices are
//! written here once per scheme.

use plotters::style::RGBColor;

use crate::scheme::Scheme;

pub struct Palette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub muted: RGBColor,
    pub border: RGBColor,
    pub grid: RGBColor,
    pub limit: RGBColor,
    pub alarm: RGBColor,
    pub defrag: RGBColor,
    pub compaction: RGBColor,
    pub snapshot: RGBColor,
    /// One per member, apart from the marks' and spans' colours so a mark never reads as a line.
    members: [RGBColor; 5],
}

impl Palette {
    pub fn for_scheme(scheme: Scheme) -> Palette {
        match scheme {
            Scheme::Dark => Palette {
                background: RGBColor(0x15, 0x1b, 0x22),
                text: RGBColor(0xd8, 0xde, 0xe9),
                muted: RGBColor(0x8a, 0x96, 0xa8),
                border: RGBColor(0x26, 0x30, 0x40),
                grid: RGBColor(0x1f, 0x28, 0x35),
                limit: RGBColor(0xff, 0x8f, 0x8f),
                alarm: RGBColor(0xff, 0x53, 0x70),
                defrag: RGBColor(0xff, 0xcb, 0x6b),
                compaction: RGBColor(0x7f, 0xd4, 0xa8),
                snapshot: RGBColor(0xc7, 0x92, 0xea),
                members: [
                    RGBColor(0x4a, 0xa3, 0xff),
                    RGBColor(0xf7, 0x8c, 0x6c),
                    RGBColor(0x89, 0xdd, 0xff),
                    RGBColor(0xf0, 0x71, 0xa8),
                    RGBColor(0xc3, 0xe8, 0x8d),
                ],
            },
            Scheme::Light => Palette {
                background: RGBColor(0xff, 0xff, 0xff),
                text: RGBColor(0x1f, 0x29, 0x37),
                muted: RGBColor(0x5b, 0x66, 0x75),
                border: RGBColor(0xc9, 0xd1, 0xdc),
                grid: RGBColor(0xec, 0xef, 0xf3),
                limit: RGBColor(0xc6, 0x28, 0x28),
                alarm: RGBColor(0xe5, 0x39, 0x35),
                defrag: RGBColor(0xf5, 0x9e, 0x0b),
                compaction: RGBColor(0x1b, 0x8a, 0x5a),
                snapshot: RGBColor(0x7e, 0x57, 0xc2),
                members: [
                    RGBColor(0x1f, 0x6f, 0xd1),
                    RGBColor(0xd9, 0x5d, 0x39),
                    RGBColor(0x00, 0x97, 0xa7),
                    RGBColor(0xc2, 0x18, 0x5b),
                    RGBColor(0x82, 0x77, 0x17),
                ],
            },
        }
    }

    /// A member's colour, by its place in the member list.
    pub fn series(&self, index: usize) -> RGBColor {
        self.members[index % self.members.len()]
    }

    /// The same colour as CSS, for the legends drawn in the DOM.
    pub fn css(colour: RGBColor) -> String {
        format!("#{:02x}{:02x}{:02x}", colour.0, colour.1, colour.2)
    }
}
