//! A lexical estimate of how deep a file's syntax tree nests, checked before parsing:
//! rust-analyzer's parser recurses, and a stack overflow cannot be caught.

/// How deep the syntax tree of `text` can get, estimated lexically (comments, strings and
/// char literals skipped): every open bracket adds one level, and so does every operator
/// or chaining keyword of the expression it sits in, because rust-analyzer's parser
/// recurses on prefix and binary operators, closures, `return`, generics and else-if
/// chains as well as on brackets. `;`, top-level commas and the end of a block statement
/// end an expression.
pub fn nesting_score(text: &str) -> usize {
    #[derive(Clone, Copy)]
    struct Level {
        base: usize,
        score: usize,
        angles: usize,
        pipes: usize,
    }
    impl Level {
        fn reset(&mut self) {
            self.score = self.base;
            self.angles = 0;
            self.pipes = 0;
        }
    }
    let bytes = text.as_bytes();
    let mut levels = vec![Level {
        base: 0,
        score: 0,
        angles: 0,
        pipes: 0,
    }];
    let mut deepest = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some(top) = levels.last_mut() else {
            break;
        };
        match bytes[at] {
            b'(' | b'[' | b'{' => {
                let base = top.score + 1;
                deepest = deepest.max(base);
                levels.push(Level {
                    base,
                    score: base,
                    angles: 0,
                    pipes: 0,
                });
                at += 1;
            }
            closing @ (b')' | b']' | b'}') => {
                if levels.len() > 1 {
                    levels.pop();
                }
                at += 1;
                if closing == b'}' && block_ends_statement(bytes, at) {
                    if let Some(top) = levels.last_mut() {
                        top.reset();
                    }
                }
            }
            b';' => {
                top.reset();
                at += 1;
            }
            b',' => {
                // Inside `<…>` or closure parameters `|a, b|` the nesting goes on.
                if top.angles == 0 && top.pipes % 2 == 0 {
                    top.reset();
                }
                at += 1;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = memchr_from(bytes, at, b'\n');
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => at = skip_block_comment(bytes, at),
            b'"' => at = skip_string(bytes, at + 1, 0),
            b'r' if matches!(bytes.get(at + 1), Some(b'"' | b'#'))
                && (at == 0 || !is_word_byte(bytes[at - 1])) =>
            {
                let hashes = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
                if bytes.get(at + 1 + hashes) == Some(&b'"') {
                    at = skip_string(bytes, at + 2 + hashes, hashes);
                } else {
                    at += 1;
                }
            }
            // A char literal such as '(' or '\{' (a lifetime has no closing quote).
            b'\'' => {
                let len = match bytes.get(at + 1) {
                    Some(b'\\') => 3,
                    Some(_) => 2,
                    None => 1,
                };
                at += if bytes.get(at + len) == Some(&b'\'') {
                    len + 1
                } else {
                    1
                };
            }
            byte if is_operator_byte(byte) => {
                let run = bytes[at..]
                    .iter()
                    .take_while(|&&b| is_operator_byte(b))
                    .count();
                let operators = &bytes[at..at + run];
                if operators == b"=>" {
                    // A match arm's pattern ends here; its body is a sibling, not a child.
                    top.reset();
                    at += run;
                    continue;
                }
                // `==`, `::`, `->` are one operator; `!!!!` is many.
                top.score += run.div_ceil(2);
                top.pipes += operators.iter().filter(|&&b| b == b'|').count();
                top.angles += operators.iter().filter(|&&b| b == b'<').count();
                let closing_angles = operators
                    .iter()
                    .enumerate()
                    .filter(|&(i, &b)| {
                        b == b'>' && (i == 0 || !matches!(operators[i - 1], b'-' | b'='))
                    })
                    .count();
                top.angles = top.angles.saturating_sub(closing_angles);
                deepest = deepest.max(top.score);
                at += run;
            }
            byte if is_word_byte(byte) => {
                let word_len = bytes[at..].iter().take_while(|&&b| is_word_byte(b)).count();
                if CHAINING_KEYWORDS.contains(&&bytes[at..at + word_len]) {
                    top.score += 1;
                    deepest = deepest.max(top.score);
                }
                at += word_len;
            }
            _ => at += 1,
        }
    }
    deepest
}

/// Keywords the parser recurses on (`return return x`, `else if`, `move ||`, `&mut &mut`).
const CHAINING_KEYWORDS: &[&[u8]] = &[
    b"as", b"async", b"await", b"become", b"box", b"break", b"dyn", b"else", b"fn", b"impl",
    b"move", b"mut", b"ref", b"return", b"yield",
];

fn is_operator_byte(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'-'
            | b'+'
            | b'*'
            | b'/'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'<'
            | b'>'
            | b'='
            | b'.'
            | b'?'
            | b':'
            | b'@'
            | b'~'
            | b'$'
    )
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// After a `}`: does the block end its statement or item (rather than continue an
/// expression with `.`, `?`, `else`, `as` or a binary operator)?
fn block_ends_statement(bytes: &[u8], at: usize) -> bool {
    let mut at = at;
    // Skip whitespace and comments to the next token.
    let next = loop {
        match bytes.get(at) {
            None => return true,
            Some(b) if b.is_ascii_whitespace() => at += 1,
            Some(b'/') if bytes.get(at + 1) == Some(&b'/') => at = memchr_from(bytes, at, b'\n'),
            Some(b'/') if bytes.get(at + 1) == Some(&b'*') => at = skip_block_comment(bytes, at),
            Some(_) => break &bytes[at..],
        }
    };
    let word_len = next.iter().take_while(|&&b| is_word_byte(b)).count();
    let word = &next[..word_len];
    if word == b"else" || word == b"as" {
        return false;
    }
    !is_operator_byte(next[0])
}

fn memchr_from(bytes: &[u8], from: usize, wanted: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == wanted)
        .map_or(bytes.len(), |i| from + i)
}

fn skip_block_comment(bytes: &[u8], start: usize) -> usize {
    let (mut level, mut at) = (0usize, start);
    while at < bytes.len() {
        if bytes[at] == b'/' && bytes.get(at + 1) == Some(&b'*') {
            level += 1;
            at += 2;
        } else if bytes[at] == b'*' && bytes.get(at + 1) == Some(&b'/') {
            level -= 1;
            at += 2;
            if level == 0 {
                return at;
            }
        } else {
            at += 1;
        }
    }
    at
}

/// Past the closing quote of a string whose body starts at `at` (raw with `hashes`).
fn skip_string(bytes: &[u8], mut at: usize, hashes: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if hashes == 0 => at += 2,
            b'"' => {
                let closing = bytes[at + 1..].iter().take_while(|&&b| b == b'#').count();
                at += 1;
                if closing >= hashes {
                    return at + hashes;
                }
            }
            _ => at += 1,
        }
    }
    bytes.len()
}
