//! A fast reader for the plain YAML that manifests are written in, tried on each document
//! before libyaml (`manifest`'s document reader).
//!
//! It reads block mappings and lists (compact ones too), plain scalars over one or more
//! lines, single- and double-quoted scalars on one line, literal and folded block scalars
//! without an indentation digit, and one-line flow lists of scalars. Whatever else it
//! meets — anchors, aliases, tags, merge keys, duplicate keys, keys that are not strings,
//! floats, flow mappings with content, multi-line quoted or flow text, tabs where they
//! separate, carriage returns, control characters, directives, `...` — and every error,
//! it does not read: [`read`] returns `None` and the document is read by serde_yaml as
//! before. So every value, diagnostic and message is libyaml's, or equal to it:
//! the tests compare the two readers on every fixture, transcript manifest and fuzz
//! corpus input (`tests/yaml_fast.rs`).
//!
//! Why: libyaml builds every event of a document and serde_yaml then walks them; for the
//! 2 MB Argo CD install that was most of a paste's time in the page (BENCHMARKS.md, the
//! paste row). This reader goes from bytes to `serde_json::Value` in one pass.
//!
//! The rules it follows are libyaml's scanner's (`scan_plain_scalar`,
//! `scan_block_scalar`, `scan_block_scalar_breaks`) and serde_yaml 0.9's scalar
//! resolution (`visit_untagged_scalar`) with kubectl's YAML 1.1 words on top
//! (`manifest::yaml11`): `~`/`null`/`Null`/`NULL` and the empty scalar are null,
//! `true`/`yes`/`on`/`y`/`false`/`no`/`off`/`n` (in their three cases) are booleans,
//! decimal integers without a leading zero are numbers; anything that might be another
//! number (a float, `0x…`, `0644`, `+1`, `1_000`, `.inf`) is left to serde_yaml.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::{Map, Number, Value};

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Turns the fast reader off (or on again) on this thread, so that tests can compare the
/// two readers on the same text.
pub fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

/// Whether the fast reader is on on this thread (it is unless [`set_enabled`] said not).
pub fn enabled() -> bool {
    ENABLED.with(|e| e.get())
}

/// Deepest nesting read here; deeper documents go to serde_yaml (whose pre-scan bounds
/// them at `manifest::MAX_DEPTH`).
const MAX_DEPTH: usize = 100;

/// libyaml refuses a simple key longer than this.
const MAX_KEY: usize = 1024;

/// Reads one document (the text of one segment: it may start with its `---` line) that
/// holds a block mapping or a block list, producing at most `budget` values (every
/// scalar, key, mapping and list counts one, as `manifest`'s reader counts them), or
/// `None` when serde_yaml must read it.
pub fn read(src: &str, budget: usize) -> Option<Read> {
    if !enabled() || !printable(src.as_bytes()) {
        return None;
    }
    let mut r = Reader {
        src,
        s: src.as_bytes(),
        i: 0,
        left: budget,
        depth: 0,
    };
    let (value, root) = r.document()?;
    Some(Read {
        value,
        used: budget - r.left,
        root,
    })
}

/// A document [`read`] read.
pub struct Read {
    pub value: Value,
    /// Values it holds, as `manifest`'s reader counts them.
    pub used: usize,
    /// Byte offset of its root node's first token (as `manifest`'s pre-scan finds it).
    pub root: usize,
}

/// No carriage return, byte-order mark, control character or character libyaml reads as a
/// line break (NEL, U+2028, U+2029) or refuses (U+FFFE, U+FFFF): those go to libyaml. Nor
/// a line that starts with the document-end marker `...` and goes on after it (`... a: 1`):
/// libyaml ends the document there and reads the rest as another, where this reader would
/// take `... a` for a key (found by the `manifest` fuzz target, session 14).
fn printable(s: &[u8]) -> bool {
    let end_marker = |at: usize| {
        s[at..].starts_with(b"...") && matches!(s.get(at + 3), None | Some(b' ' | b'\t' | b'\n'))
    };
    if end_marker(0) {
        return false;
    }
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b < 0x80 {
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                return false;
            }
            if b == b'\n' && end_marker(i + 1) {
                return false;
            }
            i += 1;
            continue;
        }
        match (b, s.get(i + 1).copied(), s.get(i + 2).copied()) {
            // U+0080..U+009F: C1 controls, NEL among them.
            (0xC2, Some(0x80..=0x9F), _) => return false,
            // U+2028, U+2029.
            (0xE2, Some(0x80), Some(0xA8 | 0xA9)) => return false,
            // U+FEFF, U+FFFE, U+FFFF.
            (0xEF, Some(0xBB), Some(0xBF)) | (0xEF, Some(0xBF), Some(0xBE | 0xBF)) => {
                return false;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

struct Reader<'a> {
    src: &'a str,
    s: &'a [u8],
    i: usize,
    left: usize,
    depth: usize,
}

/// Bytes that may not start a plain scalar here (YAML's indicators), besides `-`, `?` and
/// `:` followed by a blank, which are checked apart.
fn indicator(b: u8) -> bool {
    matches!(
        b,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
            | b'-'
    )
}

impl<'a> Reader<'a> {
    fn peek(&self) -> u8 {
        self.s.get(self.i).copied().unwrap_or(0)
    }

    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn eof(&self) -> bool {
        self.i >= self.s.len()
    }

    fn count(&mut self) -> Option<()> {
        self.left = self.left.checked_sub(1)?;
        Some(())
    }

    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Whether a blank (or the end of the line or text) follows byte `i`.
    fn blank_after(&self, i: usize) -> bool {
        matches!(self.at(i + 1), b' ' | b'\n' | 0)
    }

    /// Whether a `- ` list entry starts at byte `i`.
    fn entry_at(&self, i: usize) -> bool {
        self.at(i) == b'-' && self.blank_after(i)
    }

    /// Spaces at the start of the line that starts at `self.i`; `None` if a tab follows
    /// them (a tab in the indentation: libyaml's to judge).
    fn indent(&self) -> Option<usize> {
        let mut j = self.i;
        while self.at(j) == b' ' {
            j += 1;
        }
        (self.at(j) != b'\t').then_some(j - self.i)
    }

    /// From a line start, skips lines that are empty, blank or comments; stops at the start
    /// of the next line with content, and returns its indentation, or at the end (0).
    fn skip_blank_lines(&mut self) -> Option<usize> {
        loop {
            let n = self.indent()?;
            match self.at(self.i + n) {
                b'\n' => self.i += n + 1,
                b'#' => self.next_line(),
                0 => {
                    self.i = self.s.len();
                    return Some(0);
                }
                _ => return Some(n),
            }
        }
    }

    /// Moves to the start of the next line (or the end).
    fn next_line(&mut self) {
        self.i = match memchr(b'\n', &self.s[self.i..]) {
            Some(p) => self.i + p + 1,
            None => self.s.len(),
        };
    }

    /// Skips spaces; `None` on a tab (a separator libyaml judges).
    fn spaces(&mut self) -> Option<usize> {
        let start = self.i;
        while self.peek() == b' ' {
            self.i += 1;
        }
        (self.peek() != b'\t').then_some(self.i - start)
    }

    /// After a value on its line: spaces, then an optional comment (after a space), then
    /// the line's end, which is consumed.
    fn end_of_line(&mut self) -> Option<()> {
        let spaces = self.spaces()?;
        match self.peek() {
            b'\n' => self.i += 1,
            0 => {}
            b'#' if spaces > 0 => self.next_line(),
            _ => return None,
        }
        Some(())
    }

    fn document(&mut self) -> Option<(Value, usize)> {
        self.skip_blank_lines()?;
        if self.s[self.i..].starts_with(b"---") && self.blank_after(self.i + 2) {
            self.i += 3;
            self.end_of_line()?;
            self.skip_blank_lines()?;
        }
        if self.eof() {
            return None;
        }
        let col = self.indent()?;
        self.i += col;
        let root = self.i;
        let value = if self.entry_at(self.i) {
            self.list(col)?
        } else if let Some(key) = self.key_here() {
            self.mapping(col, key)?
        } else {
            return None;
        };
        self.skip_blank_lines()?;
        self.eof().then_some((value, root))
    }

    /// A node that starts at `self.i`, at column `col` of its own line, inside a
    /// collection whose indentation is `parent`.
    fn block_node(&mut self, parent: usize, col: usize) -> Option<Value> {
        if self.entry_at(self.i) {
            self.list(col)
        } else if let Some(key) = self.key_here() {
            self.mapping(col, key)
        } else {
            match self.peek() {
                b'|' | b'>' => None,
                _ => self.inline(parent),
            }
        }
    }

    /// A block mapping at column `col` whose first key (`key_here`'s answer) starts at
    /// `self.i`.
    fn mapping(&mut self, col: usize, first: (Cow<'a, str>, usize)) -> Option<Value> {
        self.count()?;
        self.deeper()?;
        let mut map = Map::new();
        let mut key = first;
        loop {
            let (name, after) = key;
            self.i = after;
            self.count()?;
            let value = self.mapping_value(col)?;
            if map.insert(name.into_owned(), value).is_some() {
                // A duplicate key: serde_yaml's reader warns where it is.
                return None;
            }
            let n = self.skip_blank_lines()?;
            if self.eof() {
                break;
            }
            if n < col {
                break;
            }
            if n > col || self.entry_at(self.i + n) {
                return None;
            }
            self.i += n;
            key = self.key_here()?;
        }
        self.depth -= 1;
        Some(Value::Object(map))
    }

    /// The value after a mapping's `key:` (the mapping is at column `col`); leaves
    /// `self.i` at the start of the line after the value.
    fn mapping_value(&mut self, col: usize) -> Option<Value> {
        let spaces = self.spaces()?;
        match self.peek() {
            b'\n' | 0 => {}
            b'#' if spaces > 0 => {}
            b'|' | b'>' => return self.block_scalar(col),
            _ => return self.inline(col),
        }
        self.next_line();
        let n = self.skip_blank_lines()?;
        if !self.eof() {
            if n > col {
                self.i += n;
                return self.block_node(col, n);
            }
            if n == col && self.entry_at(self.i + n) {
                // A list at the key's own indentation (libyaml's indentless sequence).
                self.i += n;
                return self.list(col);
            }
        }
        self.count()?;
        Some(Value::Null)
    }

    /// A block list at column `col`; `self.i` is at its first `-`.
    fn list(&mut self, col: usize) -> Option<Value> {
        self.count()?;
        self.deeper()?;
        let mut items = Vec::new();
        loop {
            self.i += 1;
            let spaces = self.spaces()?;
            let item = match self.peek() {
                b'\n' | 0 => None,
                b'#' if spaces > 0 => None,
                _ => Some(col + 1 + spaces),
            };
            let value = match item {
                Some(at) => {
                    if self.entry_at(self.i) {
                        self.list(at)?
                    } else if matches!(self.peek(), b'|' | b'>') {
                        self.block_scalar(col)?
                    } else if let Some(key) = self.key_here() {
                        self.mapping(at, key)?
                    } else {
                        self.inline(col)?
                    }
                }
                None => {
                    self.next_line();
                    let n = self.skip_blank_lines()?;
                    if !self.eof() && n > col {
                        self.i += n;
                        self.block_node(col, n)?
                    } else {
                        self.count()?;
                        Value::Null
                    }
                }
            };
            items.push(value);
            let n = self.skip_blank_lines()?;
            if self.eof() {
                break;
            }
            if n != col || !self.entry_at(self.i + n) {
                // Less indented: the list is over. At its column but no `-`: the key of
                // the mapping it is the value of (or an error the caller refuses).
                // More indented: an error the caller refuses.
                break;
            }
            self.i += n;
        }
        self.depth -= 1;
        Some(Value::Array(items))
    }

    /// The mapping key that starts at `self.i`, if the line holds one: its text and where
    /// its value starts (just after the `:`). `None` for anything but a string key on one
    /// line followed by `: `.
    fn key_here(&self) -> Option<(Cow<'a, str>, usize)> {
        let b = self.peek();
        let (key, end) = match b {
            b'"' | b'\'' => {
                let (text, end) = self.quoted(self.i, None)?;
                let mut j = end;
                while self.at(j) == b' ' {
                    j += 1;
                }
                (Cow::Owned(text), j)
            }
            _ => {
                if indicator(b) || b == b' ' || b == b'\t' || b == b'\n' || b == 0 {
                    return None;
                }
                let line = &self.s[self.i..];
                let mut j = 0;
                loop {
                    match line.get(j).copied() {
                        None | Some(b'\n' | b'\t') => return None,
                        Some(b':') if matches!(line.get(j + 1), None | Some(b' ' | b'\n')) => {
                            break;
                        }
                        Some(b'#') if line[j - 1] == b' ' => return None,
                        _ => j += 1,
                    }
                }
                let src: &'a str = self.src;
                let text = src[self.i..self.i + j].trim_end_matches(' ');
                if text.len() > MAX_KEY || text == "<<" || !is_plain_string(text) {
                    return None;
                }
                (Cow::Borrowed(text), self.i + j)
            }
        };
        (self.at(end) == b':' && self.blank_after(end)).then_some((key, end + 1))
    }

    /// A value that starts at `self.i` on the current line, in a collection whose
    /// indentation is `parent`; leaves `self.i` at the start of the line after it.
    fn inline(&mut self, parent: usize) -> Option<Value> {
        let value = match self.peek() {
            b'"' | b'\'' => {
                let (text, end) = self.quoted(self.i, Some(parent))?;
                self.i = end;
                self.end_of_line()?;
                self.count()?;
                Value::String(text)
            }
            b'[' => {
                let v = self.flow_list()?;
                self.end_of_line()?;
                v
            }
            b'{' => {
                self.i += 1;
                self.spaces()?;
                if self.peek() != b'}' {
                    return None;
                }
                self.i += 1;
                self.end_of_line()?;
                self.count()?;
                Value::Object(Map::new())
            }
            b => {
                if b != b'-' && b != b'?' && b != b':' && indicator(b) {
                    return None;
                }
                if matches!(b, b'-' | b'?' | b':') && self.blank_after(self.i) {
                    return None;
                }
                self.plain(parent)?
            }
        };
        Some(value)
    }

    /// A quoted scalar starting at byte `i` (`"` or `'`): its text and the byte after its
    /// closing quote. With `lines` (the indentation of the collection it is in), it may go
    /// on over the lines below indented more than that, folded as libyaml's
    /// `scan_flow_scalar` folds them: a line break between two lines is a space, each
    /// empty line a line break, the blanks around a break are dropped, and in double quotes
    /// `\` at the end of a line joins the lines without a space. Without `lines` (a key,
    /// an item of a flow list) it must close on its own line.
    fn quoted(&self, i: usize, lines: Option<usize>) -> Option<(String, usize)> {
        let q = self.at(i);
        let single = q == b'\'';
        let mut out = String::new();
        let mut j = i + 1;
        loop {
            // A run of characters up to a blank, a line end or the closing quote.
            let mut leading_blanks = false;
            // `\` at the end of a line: the break below joins without a space, and is a
            // line break like any other for where the scalar may go on (not in a key).
            let mut escaped_break = false;
            loop {
                match self.at(j) {
                    b' ' | b'\t' | b'\n' | 0 => break,
                    b'\'' if single && self.at(j + 1) == b'\'' => {
                        out.push('\'');
                        j += 2;
                    }
                    c if c == q => return Some((out, j + 1)),
                    b'\\' if !single => {
                        let c = match self.at(j + 1) {
                            b'\n' => {
                                // To the break, which the blanks below take.
                                j += 1;
                                leading_blanks = true;
                                escaped_break = true;
                                break;
                            }
                            b'\\' => '\\',
                            b'"' => '"',
                            b'/' => '/',
                            b'n' => '\n',
                            b't' => '\t',
                            b'r' => '\r',
                            b'0' => '\0',
                            b' ' => ' ',
                            b'u' => {
                                let hex = self.src.get(j + 2..j + 6)?;
                                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                    return None;
                                }
                                out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                                j += 6;
                                continue;
                            }
                            _ => return None,
                        };
                        out.push(c);
                        j += 2;
                    }
                    _ => {
                        let start = j;
                        while !matches!(self.at(j), b' ' | b'\t' | b'\n' | 0 | b'\'' | b'"' | b'\\')
                        {
                            j += 1;
                        }
                        if j == start {
                            // The other quote, or a backslash in single quotes: text.
                            j += 1;
                        }
                        out.push_str(&self.src[start..j]);
                    }
                }
            }
            if self.at(j) == 0 {
                return None;
            }
            // Blanks and line breaks up to the next character.
            let blanks = j;
            let mut leading_break = false;
            let mut trailing = 0;
            while matches!(self.at(j), b' ' | b'\t' | b'\n') {
                if self.at(j) != b'\n' {
                    j += 1;
                    continue;
                }
                let parent = lines?;
                j += 1;
                if escaped_break {
                    escaped_break = false;
                } else if leading_blanks {
                    trailing += 1;
                } else {
                    leading_blanks = true;
                    leading_break = true;
                }
                // The next line: indented more than the collection, no tab, no marker.
                let n = self.s[j..].iter().take_while(|&&b| b == b' ').count();
                match self.at(j + n) {
                    b'\t' => return None,
                    b'\n' => {}
                    _ if n <= parent => return None,
                    _ => {}
                }
            }
            if leading_blanks {
                if leading_break && trailing == 0 {
                    out.push(' ');
                }
                out.extend(std::iter::repeat_n('\n', trailing));
            } else {
                out.push_str(&self.src[blanks..j]);
            }
        }
    }

    /// A one-line flow list of scalars (and empty `[]`/`{}`), e.g. `["a", b, 80]`.
    fn flow_list(&mut self) -> Option<Value> {
        self.count()?;
        self.deeper()?;
        self.i += 1;
        let mut items = Vec::new();
        self.spaces()?;
        if self.peek() == b']' {
            self.i += 1;
            self.depth -= 1;
            return Some(Value::Array(items));
        }
        loop {
            self.spaces()?;
            let item = match self.peek() {
                b'"' | b'\'' => {
                    let (text, end) = self.quoted(self.i, None)?;
                    self.i = end;
                    Value::String(text)
                }
                b'[' => {
                    if self.at(self.i + 1) != b']' {
                        return None;
                    }
                    self.i += 2;
                    Value::Array(vec![])
                }
                b'{' => {
                    if self.at(self.i + 1) != b'}' {
                        return None;
                    }
                    self.i += 2;
                    Value::Object(Map::new())
                }
                b'-' if !matches!(
                    self.at(self.i + 1),
                    b' ' | b'\t' | b'\n' | 0 | b',' | b'[' | b']' | b'{' | b'}'
                ) =>
                {
                    self.flow_plain()?
                }
                b if indicator(b) || matches!(b, b' ' | b'\t' | b'\n' | 0) => return None,
                _ => self.flow_plain()?,
            };
            self.count()?;
            items.push(item);
            self.spaces()?;
            match self.peek() {
                b',' => {
                    self.i += 1;
                    self.spaces()?;
                    if self.peek() == b']' {
                        return None;
                    }
                }
                b']' => {
                    self.i += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.depth -= 1;
        Some(Value::Array(items))
    }

    /// A plain scalar in a flow list: up to the next flow indicator.
    fn flow_plain(&mut self) -> Option<Value> {
        let start = self.i;
        while !matches!(
            self.peek(),
            b',' | b'[' | b']' | b'{' | b'}' | b':' | b'#' | b'\n' | b'\t' | 0
        ) {
            self.i += 1;
        }
        resolve(self.src[start..self.i].trim_end_matches(' '))
    }

    /// A plain scalar from `self.i`, continued on the lines below that are indented more
    /// than `parent` (libyaml's `scan_plain_scalar`, block context): lines are joined by a
    /// space, and each blank line between two becomes a line break.
    fn plain(&mut self, parent: usize) -> Option<Value> {
        let mut out = String::new();
        loop {
            // One line's text: up to a comment, or its end. `: ` in it is an error.
            let start = self.i;
            let mut comment = false;
            loop {
                match self.peek() {
                    b'\n' | 0 => break,
                    b'\t' => return None,
                    b':' if self.blank_after(self.i) => return None,
                    b'#' if self.i > start && self.s[self.i - 1] == b' ' => {
                        comment = true;
                        break;
                    }
                    _ => self.i += 1,
                }
            }
            out.push_str(self.src[start..self.i].trim_end_matches(' '));
            self.next_line();
            if comment {
                break;
            }
            // Is the scalar continued below?
            let line = self.i;
            let mut breaks = 0;
            let more = loop {
                if self.eof() {
                    break None;
                }
                let n = self.indent()?;
                match self.at(self.i + n) {
                    b'\n' => {
                        breaks += 1;
                        self.i += n + 1;
                    }
                    // A comment ends the scalar; any other character (even `-` or `"`)
                    // continues it when the line is indented more than the collection.
                    b'#' | 0 => break None,
                    _ if n > parent => break Some(n),
                    _ => break None,
                }
            };
            match more {
                Some(n) => {
                    self.i += n;
                    if breaks == 0 {
                        out.push(' ');
                    } else {
                        out.extend(std::iter::repeat_n('\n', breaks));
                    }
                }
                None => {
                    self.i = line;
                    break;
                }
            }
        }
        self.count()?;
        resolve(&out)
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is at `self.i`, in a
    /// collection whose indentation is `parent` (libyaml's `scan_block_scalar`).
    fn block_scalar(&mut self, parent: usize) -> Option<Value> {
        let literal = self.peek() == b'|';
        self.i += 1;
        let mut chomp = 0i8;
        match self.peek() {
            b'-' => {
                chomp = -1;
                self.i += 1;
            }
            b'+' => {
                chomp = 1;
                self.i += 1;
            }
            _ => {}
        }
        if self.peek().is_ascii_digit() || !matches!(self.peek(), b' ' | b'\n' | 0) {
            return None;
        }
        self.end_of_line()?;
        let mut indent = 0;
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut trailing = 0;
        let mut col = self.breaks(&mut indent, &mut trailing, parent)?;
        while col == indent && !self.eof() {
            let trailing_blank = matches!(self.peek(), b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            leading_break = false;
            out.extend(std::iter::repeat_n('\n', trailing));
            trailing = 0;
            leading_blank = trailing_blank;
            let end = memchr(b'\n', &self.s[self.i..]).map_or(self.s.len(), |p| self.i + p);
            out.push_str(&self.src[self.i..end]);
            self.i = end;
            if !self.eof() {
                self.i += 1;
                leading_break = true;
            }
            col = self.breaks(&mut indent, &mut trailing, parent)?;
        }
        if chomp != -1 && leading_break {
            out.push('\n');
        }
        if chomp == 1 {
            out.extend(std::iter::repeat_n('\n', trailing));
        }
        // Back to the start of the line where the scalar stopped.
        self.i -= col;
        self.count()?;
        Some(Value::String(out))
    }

    /// libyaml's `scan_block_scalar_breaks`: eats indentation and empty lines, sets the
    /// indentation when it is still to be found, and returns the column it stopped at.
    fn breaks(&mut self, indent: &mut usize, trailing: &mut usize, parent: usize) -> Option<usize> {
        let mut max = 0;
        loop {
            let mut col = 0;
            while (*indent == 0 || col < *indent) && self.peek() == b' ' {
                self.i += 1;
                col += 1;
            }
            max = max.max(col);
            if (*indent == 0 || col < *indent) && self.peek() == b'\t' {
                return None;
            }
            if self.peek() != b'\n' {
                if *indent == 0 {
                    *indent = max.max(parent + 1).max(1);
                }
                return Some(col);
            }
            self.i += 1;
            *trailing += 1;
        }
    }
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

/// Whether serde_yaml reads this plain scalar as a string (`resolve` without building it).
fn is_plain_string(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b) if !(b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.')) => {
            !matches!(s, "~" | "null" | "Null" | "NULL") && crate::manifest::yaml11(s).is_none()
        }
        _ => matches!(resolve(s), Some(Value::String(_))),
    }
}

/// A plain scalar's value as serde_yaml 0.9 reads it, or `None` when it might be a number
/// this reader does not parse (floats, other bases, leading zeros or signs): serde_yaml's
/// to read.
fn resolve(s: &str) -> Option<Value> {
    if matches!(s, "" | "~" | "null" | "Null" | "NULL") {
        return Some(Value::Null);
    }
    // kubectl's YAML 1.1 words (`yes`, `on`, `y`, …) as `manifest::yaml11` reads them;
    // its numbers are serde_yaml's path to read.
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() || matches!(b[0], b'-' | b'+' | b'.')) {
        return Some(match crate::manifest::yaml11(s) {
            Some(crate::manifest::Yaml11::Bool(b)) => Value::Bool(b),
            _ => Value::String(s.to_string()),
        });
    }
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    if !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || digits.len() == 1)
    {
        let n = if b[0] == b'-' {
            Number::from(s.parse::<i64>().ok()?)
        } else {
            Number::from(s.parse::<u64>().ok()?)
        };
        return Some(Value::Number(n));
    }
    // Anything Rust or YAML might read as a number is serde_yaml's to judge.
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if s.parse::<f64>().is_ok()
        || b[0] == b'+'
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
        || matches!(
            unsigned,
            ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
        )
        || digits.iter().all(u8::is_ascii_digit)
        || (b[0].is_ascii_digit() && s.contains('_'))
        || crate::manifest::yaml11(s).is_some()
    {
        return None;
    }
    Some(Value::String(s.to_string()))
}
