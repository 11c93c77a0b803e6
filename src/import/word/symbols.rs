//! Symbol fonts: Word draws some characters of Symbol and Wingdings as
//! ticks, crosses and boxes; a grid's marks are read as those signs.

/// The symbol fonts whose characters Word draws as other signs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Font {
    #[default]
    Plain,
    Symbol,
    Wingdings,
    Wingdings2,
}

impl Font {
    pub fn named(name: &str) -> Font {
        let n = name.trim().to_ascii_lowercase();
        if n.starts_with("wingdings 2") || n == "wingdings2" {
            Font::Wingdings2
        } else if n.starts_with("wingdings") {
            Font::Wingdings
        } else if n == "symbol" {
            Font::Symbol
        } else {
            Font::Plain
        }
    }

    /// The sign a character of this font shows. Ticks, crosses and boxes
    /// become their Unicode signs so marks in grids can be read; other
    /// symbols become the private-use character Word itself uses (which the
    /// bullet splitter knows).
    pub fn sign(self, c: char) -> char {
        let code = c as u32;
        let low = match code {
            0xF000..=0xF0FF => code - 0xF000,
            0..=0xFF => code,
            _ => return c,
        };
        let pua = || char::from_u32(0xF000 + low).unwrap_or(c);
        match self {
            Font::Plain => c,
            Font::Symbol => match low {
                0xB7 => '•',
                _ => c,
            },
            Font::Wingdings => match low {
                0xFE => '☑',
                0xFD | 0x78 => '☒',
                0xFC => '✓',
                0xFB => '✗',
                0xA8 | 0x6F | 0x71 => '☐',
                0x6E => '■',
                0x6C => '●',
                0x9F => '•',
                _ => pua(),
            },
            Font::Wingdings2 => match low {
                0x50 => '✓',
                0x4F => '✗',
                0x52 => '☑',
                0x51 | 0x53 | 0x54 => '☒',
                0xA3 => '☐',
                _ => pua(),
            },
        }
    }
}
