//! Showing untrusted text: characters that would move a terminal's cursor, fake a line of output or hide
//! themselves (a byte order mark inside a value, zero-width spaces, direction overrides) are printed as
//! visible escapes such as `\u{1b}` and `\u{feff}`.

use std::borrow::Cow;

/// Format characters and separators that print as nothing, or reorder what follows.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

fn escaped(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| !keep(c) && (c.is_control() || invisible(c));
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !hidden(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Replaces control and invisible characters by visible escapes.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escaped(s, |_| false)
}

/// The same, keeping line breaks: for messages of several lines that statlint wrote itself (an engine
/// error with its caret line) around text that may not be.
pub fn escape_controls_keeping_lines(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c == '\n')
}

/// The same, keeping line breaks and tabs: for GitHub's workflow commands, which encode CR and LF
/// themselves (`%0D%0A`), so a line break in a cell shows as one in the annotation and cannot end it.
pub fn escape_controls_keeping_breaks(s: &str) -> Cow<'_, str> {
    escaped(s, |c| matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_invisible_characters_are_shown() {
        assert_eq!(escape_controls("Mường Chà"), "Mường Chà");
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("\u{feff}094"), "\\u{feff}094");
        assert_eq!(
            escape_controls("09\u{200b}4\u{202e}"),
            "09\\u{200b}4\\u{202e}"
        );
        assert_eq!(escape_controls("a\r\nb\tc"), "a\\r\\nb\\tc");
        assert_eq!(
            escape_controls_keeping_lines("a\nb\r\u{7}"),
            "a\nb\\r\\u{7}"
        );
    }
}
