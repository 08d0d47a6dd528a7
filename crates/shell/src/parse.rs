//! A recursive-descent parser for the shell subset, lexing on demand so that `$(...)` can parse
//! its body with the same machinery. It works on bytes: every syntax character is ASCII, and
//! literal text is copied through whole, so UTF-8 survives.
//!
//! Errors carry bash's wording. An input that could still become valid with more lines (an open
//! quote, a `while` without `done`, a trailing `|`) is reported as incomplete, so an interactive
//! terminal can ask for a continuation line as bash does.

use crate::ast::*;

/// How deep commands, substitutions and braces may nest before the parser refuses; keeps the
/// recursion (and the wasm stack) bounded against hostile input.
pub const MAX_NESTING: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// bash's message, without the `bash: ` prefix.
    pub message: String,
    /// More input could complete the command (bash would show its `> ` prompt).
    pub incomplete: bool,
}

impl ParseError {
    fn syntax(message: impl Into<String>) -> Self {
        ParseError { message: message.into(), incomplete: false }
    }
    fn incomplete(message: impl Into<String>) -> Self {
        ParseError { message: message.into(), incomplete: true }
    }
    fn unexpected_eof() -> Self {
        Self::incomplete("syntax error: unexpected end of file")
    }
    fn unmatched(close: char) -> Self {
        Self::incomplete(format!("unexpected EOF while looking for matching `{close}'"))
    }
}

type Result<T> = std::result::Result<T, ParseError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    AndIf,
    OrIf,
    Semi,
    DoubleSemi,
    Pipe,
    Amp,
    LParen,
    RParen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RedirOp {
    Less,
    Great,
    DoubleGreat,
    GreatAnd,
    LessAnd,
    AndGreat,
    TripleLess,
    HereDoc,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(Word, String),
    Op(Op),
    Redirect(Option<u32>, RedirOp),
    Newline,
    Eof,
}

impl Token {
    /// The token as bash names it in "near unexpected token" messages.
    fn describe(&self) -> String {
        match self {
            Token::Word(_, raw) => raw.clone(),
            Token::Op(op) => match op {
                Op::AndIf => "&&",
                Op::OrIf => "||",
                Op::Semi => ";",
                Op::DoubleSemi => ";;",
                Op::Pipe => "|",
                Op::Amp => "&",
                Op::LParen => "(",
                Op::RParen => ")",
            }
            .to_string(),
            Token::Redirect(_, op) => match op {
                RedirOp::Less => "<",
                RedirOp::Great => ">",
                RedirOp::DoubleGreat => ">>",
                RedirOp::GreatAnd => ">&",
                RedirOp::LessAnd => "<&",
                RedirOp::AndGreat => "&>",
                RedirOp::TripleLess => "<<<",
                RedirOp::HereDoc => "<<",
            }
            .to_string(),
            Token::Newline => "newline".to_string(),
            Token::Eof => "EOF".to_string(),
        }
    }

    fn reserved(&self) -> Option<&str> {
        match self {
            Token::Word(word, _) => word.as_plain().filter(|w| RESERVED.contains(w)),
            _ => None,
        }
    }
}

const RESERVED: &[&str] =
    &["if", "then", "elif", "else", "fi", "while", "until", "for", "do", "done", "{", "}", "!", "in"];

pub struct Parser<'s> {
    src: &'s [u8],
    pos: usize,
    peeked: Option<Token>,
    depth: usize,
}

/// Parses a whole input at once (tests and completeness checks use this; the shell runs input
/// one complete command at a time through [`Parser::next_command`]).
pub fn parse(src: &str) -> Result<List> {
    let mut parser = Parser::new(src);
    let mut all = List::new();
    while let Some(list) = parser.next_command()? {
        all.extend(list);
    }
    Ok(all)
}

impl<'s> Parser<'s> {
    pub fn new(src: &'s str) -> Self {
        Parser { src: src.as_bytes(), pos: 0, peeked: None, depth: 0 }
    }

    /// The next complete command: everything up to an unnested newline. `None` at the end.
    pub fn next_command(&mut self) -> Result<Option<List>> {
        loop {
            match self.peek()? {
                Token::Eof => return Ok(None),
                Token::Newline => {
                    self.take()?;
                }
                _ => break,
            }
        }
        let mut list = List::new();
        loop {
            list.push(self.and_or()?);
            match self.peek()? {
                Token::Op(Op::Semi) | Token::Op(Op::Amp) => {
                    self.take()?;
                    if matches!(self.peek()?, Token::Newline | Token::Eof) {
                        break;
                    }
                }
                Token::Newline | Token::Eof => break,
                other => return Err(unexpected(other)),
            }
        }
        match self.peek()? {
            Token::Newline => {
                self.take()?;
            }
            Token::Eof => {}
            other => return Err(unexpected(other)),
        }
        Ok(Some(list))
    }

    // ---- grammar -------------------------------------------------------------------------

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError::syntax(format!(
                "expression nested too deeply (more than {MAX_NESTING} levels)"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// A list inside a compound command, ending before one of `terminators` (reserved words, or
    /// `)` for a subshell or substitution).
    fn compound_list(&mut self, terminators: &[&str]) -> Result<List> {
        let mut list = List::new();
        loop {
            self.skip_newlines()?;
            let token = self.peek()?;
            if let Some(word) = token.reserved() {
                if terminators.contains(&word) {
                    break;
                }
            }
            if token == &Token::Op(Op::RParen) && terminators.contains(&")") {
                break;
            }
            if token == &Token::Eof {
                return Err(if terminators == [")"] {
                    ParseError::unmatched(')')
                } else {
                    ParseError::unexpected_eof()
                });
            }
            list.push(self.and_or()?);
            match self.peek()? {
                Token::Op(Op::Semi) | Token::Op(Op::Amp) | Token::Newline => {
                    self.take()?;
                }
                _ => break,
            }
        }
        if list.is_empty() {
            let token = self.peek()?.clone();
            return Err(unexpected(&token));
        }
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let connector = match self.peek()? {
                Token::Op(Op::AndIf) => Connector::And,
                Token::Op(Op::OrIf) => Connector::Or,
                _ => break,
            };
            self.take()?;
            self.skip_newlines()?;
            rest.push((connector, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline> {
        let mut negated = false;
        if self.peek()?.reserved() == Some("!") {
            self.take()?;
            negated = true;
        }
        let mut commands = vec![self.command()?];
        while self.peek()? == &Token::Op(Op::Pipe) {
            self.take()?;
            self.skip_newlines()?;
            commands.push(self.command()?);
        }
        Ok(Pipeline { negated, commands })
    }

    fn command(&mut self) -> Result<Command> {
        self.enter()?;
        let command = self.command_inner();
        self.leave();
        command
    }

    fn command_inner(&mut self) -> Result<Command> {
        let token = self.peek()?.clone();
        let compound = match token.reserved() {
            Some("while") => Some(self.while_loop(false)?),
            Some("until") => Some(self.while_loop(true)?),
            Some("for") => Some(self.for_loop()?),
            Some("if") => Some(self.if_clause()?),
            Some("{") => {
                self.take()?;
                let body = self.compound_list(&["}"])?;
                self.expect_reserved("}")?;
                Some(Compound::Group(body))
            }
            Some("!") | Some("in") => None,
            Some(_) => return Err(unexpected(&token)),
            None => None,
        };
        if let Some(compound) = compound {
            let mut redirects = Vec::new();
            while let Some(redirect) = self.redirect()? {
                redirects.push(redirect);
            }
            return Ok(Command::Compound(compound, redirects));
        }
        if token == Token::Op(Op::LParen) {
            self.take()?;
            let body = self.compound_list(&[")"])?;
            match self.take()? {
                Token::Op(Op::RParen) => {}
                other => return Err(unexpected(&other)),
            }
            let mut redirects = Vec::new();
            while let Some(redirect) = self.redirect()? {
                redirects.push(redirect);
            }
            return Ok(Command::Compound(Compound::Subshell(body), redirects));
        }
        self.simple_command()
    }

    fn simple_command(&mut self) -> Result<Command> {
        let mut command = SimpleCommand::default();
        loop {
            if let Some(redirect) = self.redirect()? {
                command.redirects.push(redirect);
                continue;
            }
            let Token::Word(..) = self.peek()? else { break };
            let Token::Word(word, _) = self.take()? else { unreachable_token() };
            if command.words.is_empty() {
                if let Some(assignment) = as_assignment(&word) {
                    command.assignments.push(assignment);
                    continue;
                }
            }
            command.words.push(word);
        }
        if command.words.is_empty() && command.assignments.is_empty() && command.redirects.is_empty() {
            let token = self.peek()?.clone();
            return Err(unexpected(&token));
        }
        Ok(Command::Simple(command))
    }

    fn redirect(&mut self) -> Result<Option<Redirect>> {
        let Token::Redirect(fd, op) = *self.peek()? else {
            return Ok(None);
        };
        self.take()?;
        if op == RedirOp::HereDoc {
            return Err(ParseError::syntax(
                "here-documents are not supported in the playground; use printf '...' | command",
            ));
        }
        let target = match self.take()? {
            Token::Word(word, raw) => (word, raw),
            // bash names the missing target by the newline that ends the line.
            Token::Eof => return Err(unexpected(&Token::Newline)),
            other => return Err(unexpected(&other)),
        };
        let default_fd = match op {
            RedirOp::Less | RedirOp::LessAnd | RedirOp::TripleLess => 0,
            _ => 1,
        };
        let fd = fd.unwrap_or(default_fd);
        let kind = match op {
            RedirOp::Less => RedirectKind::Read(target.0),
            RedirOp::Great => RedirectKind::Write(target.0),
            RedirOp::DoubleGreat => RedirectKind::Append(target.0),
            RedirOp::AndGreat => RedirectKind::WriteBoth(target.0),
            RedirOp::TripleLess => RedirectKind::HereString(target.0),
            RedirOp::GreatAnd | RedirOp::LessAnd => match target.1.parse::<u32>() {
                Ok(n) if n <= 2 => RedirectKind::Duplicate(n),
                Ok(_) => return Err(ParseError::syntax(format!("{}: Bad file descriptor", target.1))),
                // `>& file` is bash's spelling of `&> file`.
                Err(_) if op == RedirOp::GreatAnd => RedirectKind::WriteBoth(target.0),
                Err(_) => return Err(ParseError::syntax(format!("{}: ambiguous redirect", target.1))),
            },
            RedirOp::HereDoc => unreachable_token(),
        };
        Ok(Some(Redirect { fd, kind }))
    }

    fn while_loop(&mut self, until: bool) -> Result<Compound> {
        self.take()?;
        let condition = self.compound_list(&["do"])?;
        self.expect_reserved("do")?;
        let body = self.compound_list(&["done"])?;
        self.expect_reserved("done")?;
        Ok(Compound::While { until, condition, body })
    }

    fn for_loop(&mut self) -> Result<Compound> {
        self.take()?;
        let variable = match self.take()? {
            Token::Word(word, raw) => match word.as_plain() {
                Some(name) if is_name(name) => name.to_string(),
                _ => return Err(ParseError::syntax(format!("`{raw}': not a valid identifier"))),
            },
            Token::Eof => return Err(ParseError::unexpected_eof()),
            other => return Err(unexpected(&other)),
        };
        self.skip_newlines()?;
        let mut items = None;
        if self.peek()?.reserved() == Some("in") {
            self.take()?;
            let mut words = Vec::new();
            while let Token::Word(..) = self.peek()? {
                let Token::Word(word, _) = self.take()? else { unreachable_token() };
                words.push(word);
            }
            items = Some(words);
        }
        match self.peek()? {
            Token::Op(Op::Semi) | Token::Newline => {
                self.take()?;
            }
            _ => {}
        }
        self.skip_newlines()?;
        self.expect_reserved("do")?;
        let body = self.compound_list(&["done"])?;
        self.expect_reserved("done")?;
        Ok(Compound::For { variable, items, body })
    }

    fn if_clause(&mut self) -> Result<Compound> {
        self.take()?;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let condition = self.compound_list(&["then"])?;
            self.expect_reserved("then")?;
            let body = self.compound_list(&["elif", "else", "fi"])?;
            branches.push((condition, body));
            match self.take()?.reserved() {
                Some("elif") => continue,
                Some("else") => {
                    otherwise = Some(self.compound_list(&["fi"])?);
                    self.expect_reserved("fi")?;
                    break;
                }
                _ => break,
            }
        }
        Ok(Compound::If { branches, otherwise })
    }

    fn expect_reserved(&mut self, word: &str) -> Result<()> {
        let token = self.take()?;
        if token.reserved() == Some(word) {
            return Ok(());
        }
        Err(unexpected(&token))
    }

    fn skip_newlines(&mut self) -> Result<()> {
        while self.peek()? == &Token::Newline {
            self.take()?;
        }
        Ok(())
    }

    // ---- tokens --------------------------------------------------------------------------

    fn peek(&mut self) -> Result<&Token> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    fn take(&mut self) -> Result<Token> {
        self.peek()?;
        Ok(self.peeked.take().expect("just peeked"))
    }

    fn byte(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    fn lex(&mut self) -> Result<Token> {
        // Blanks, comments and line continuations between tokens.
        loop {
            match self.byte(0) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\\') if self.byte(1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    while let Some(b) = self.byte(0) {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(b) = self.byte(0) else {
            return Ok(Token::Eof);
        };
        let two = |p: &Self, s: &[u8]| p.src[p.pos..].starts_with(s);
        let (token, len) = match b {
            b'\n' => (Token::Newline, 1),
            b'&' if two(self, b"&&") => (Token::Op(Op::AndIf), 2),
            b'&' if two(self, b"&>") => (Token::Redirect(None, RedirOp::AndGreat), 2),
            b'&' => (Token::Op(Op::Amp), 1),
            b'|' if two(self, b"||") => (Token::Op(Op::OrIf), 2),
            b'|' => (Token::Op(Op::Pipe), 1),
            b';' if two(self, b";;") => (Token::Op(Op::DoubleSemi), 2),
            b';' => (Token::Op(Op::Semi), 1),
            b'(' => (Token::Op(Op::LParen), 1),
            b')' => (Token::Op(Op::RParen), 1),
            b'<' | b'>' => {
                let (op, len) = self.redirect_op();
                (Token::Redirect(None, op), len)
            }
            b'0'..=b'9' => {
                let digits = self.src[self.pos..].iter().take_while(|b| b.is_ascii_digit()).count();
                match self.byte(digits) {
                    Some(b'<' | b'>') => {
                        let fd = std::str::from_utf8(&self.src[self.pos..self.pos + digits])
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(u32::MAX);
                        self.pos += digits;
                        let (op, len) = self.redirect_op();
                        (Token::Redirect(Some(fd), op), len)
                    }
                    _ => return self.word(),
                }
            }
            _ => return self.word(),
        };
        self.pos += len;
        Ok(token)
    }

    fn redirect_op(&self) -> (RedirOp, usize) {
        let rest = &self.src[self.pos..];
        for (text, op) in [
            (&b"<<<"[..], RedirOp::TripleLess),
            (b"<<", RedirOp::HereDoc),
            (b"<&", RedirOp::LessAnd),
            (b">>", RedirOp::DoubleGreat),
            (b">&", RedirOp::GreatAnd),
            (b">|", RedirOp::Great),
            (b"<", RedirOp::Less),
        ] {
            if rest.starts_with(text) {
                return (op, text.len());
            }
        }
        (RedirOp::Great, 1)
    }

    fn word(&mut self) -> Result<Token> {
        let start = self.pos;
        let mut parts = Vec::new();
        if self.byte(0) == Some(b'~')
            && matches!(self.byte(1), None | Some(b'/' | b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b')'))
        {
            self.pos += 1;
            parts.push(WordPart::Parameter(Parameter { name: "HOME".into(), op: ParameterOp::Plain }));
        }
        let is_meta = |b: u8| {
            matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')')
        };
        parts.extend(self.word_parts(is_meta, false)?);
        let raw = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        Ok(Token::Word(Word { parts }, raw))
    }

    /// The pieces of a word, up to (not past) a byte `stop` accepts or the end: quotes,
    /// escapes and expansions. Inside double quotes (`${x:-word}` there) single quotes are text.
    fn word_parts(&mut self, stop: fn(u8) -> bool, in_double_quotes: bool) -> Result<Vec<WordPart>> {
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        while let Some(b) = self.byte(0) {
            if stop(b) {
                break;
            }
            match b {
                b'\\' => match self.byte(1) {
                    None => return Err(ParseError::unexpected_eof()),
                    Some(b'\n') => self.pos += 2,
                    Some(_) => {
                        flush(&mut literal, &mut parts);
                        self.pos += 1;
                        let ch = self.char_here();
                        parts.push(WordPart::Quoted(ch));
                    }
                },
                b'\'' if !in_double_quotes => {
                    flush(&mut literal, &mut parts);
                    self.pos += 1;
                    let text = self.single_quoted()?;
                    parts.push(WordPart::Quoted(text));
                }
                b'"' => {
                    flush(&mut literal, &mut parts);
                    self.pos += 1;
                    let inner = self.double_quoted()?;
                    parts.push(WordPart::DoubleQuoted(inner));
                }
                b'$' | b'`' => match self.expansion(in_double_quotes)? {
                    Some(part) => {
                        flush(&mut literal, &mut parts);
                        parts.push(part);
                    }
                    None => {
                        literal.push(b'$');
                        self.pos += 1;
                    }
                },
                _ => {
                    literal.push(b);
                    self.pos += 1;
                }
            }
        }
        flush(&mut literal, &mut parts);
        Ok(parts)
    }

    /// One whole UTF-8 character at the cursor, consumed.
    fn char_here(&mut self) -> String {
        let rest = &self.src[self.pos..];
        let len = match rest[0] {
            b if b < 0x80 => 1,
            b if b >= 0xF0 => 4,
            b if b >= 0xE0 => 3,
            _ => 2,
        }
        .min(rest.len());
        self.pos += len;
        String::from_utf8_lossy(&rest[..len]).into_owned()
    }

    fn single_quoted(&mut self) -> Result<String> {
        let start = self.pos;
        match self.src[start..].iter().position(|&b| b == b'\'') {
            Some(len) => {
                self.pos = start + len + 1;
                Ok(String::from_utf8_lossy(&self.src[start..start + len]).into_owned())
            }
            None => {
                self.pos = self.src.len();
                Err(ParseError::unmatched('\''))
            }
        }
    }

    /// The inside of `"..."`, the opening quote already consumed.
    fn double_quoted(&mut self) -> Result<Vec<WordPart>> {
        self.enter()?;
        let parts = self.double_quoted_inner();
        self.leave();
        parts
    }

    fn double_quoted_inner(&mut self) -> Result<Vec<WordPart>> {
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        loop {
            let Some(b) = self.byte(0) else {
                return Err(ParseError::unmatched('"'));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => match self.byte(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        literal.push(c);
                        self.pos += 2;
                    }
                    _ => {
                        literal.push(b'\\');
                        self.pos += 1;
                    }
                },
                b'$' | b'`' => match self.expansion(true)? {
                    Some(part) => {
                        flush_quoted(&mut literal, &mut parts);
                        parts.push(part);
                    }
                    None => {
                        literal.push(b'$');
                        self.pos += 1;
                    }
                },
                _ => {
                    literal.push(b);
                    self.pos += 1;
                }
            }
        }
        flush_quoted(&mut literal, &mut parts);
        Ok(parts)
    }

    /// `$...` or a backquote at the cursor; `None` when the `$` is a plain character.
    fn expansion(&mut self, in_double_quotes: bool) -> Result<Option<WordPart>> {
        if self.byte(0) == Some(b'`') {
            self.pos += 1;
            return self.backquoted().map(Some);
        }
        match self.byte(1) {
            Some(b'(') if self.byte(2) == Some(b'(') => {
                self.pos += 3;
                self.arithmetic().map(Some)
            }
            Some(b'(') => {
                self.pos += 2;
                self.command_substitution().map(Some)
            }
            Some(b'{') => {
                self.pos += 2;
                self.braced_parameter(in_double_quotes).map(Some)
            }
            Some(c) if c == b'_' || c.is_ascii_alphabetic() => {
                self.pos += 1;
                let len = self.src[self.pos..]
                    .iter()
                    .take_while(|b| **b == b'_' || b.is_ascii_alphanumeric())
                    .count();
                let name = String::from_utf8_lossy(&self.src[self.pos..self.pos + len]).into_owned();
                self.pos += len;
                Ok(Some(WordPart::Parameter(Parameter { name, op: ParameterOp::Plain })))
            }
            Some(c @ (b'?' | b'$' | b'#' | b'!' | b'@' | b'*' | b'-' | b'0'..=b'9')) => {
                self.pos += 2;
                let name = (c as char).to_string();
                Ok(Some(WordPart::Parameter(Parameter { name, op: ParameterOp::Plain })))
            }
            _ => Ok(None),
        }
    }

    fn command_substitution(&mut self) -> Result<WordPart> {
        self.enter()?;
        let saved = self.peeked.take();
        let body = self.compound_list(&[")"]);
        let close = body.is_ok().then(|| self.take());
        self.peeked = saved;
        self.leave();
        let body = body?;
        match close {
            Some(Ok(Token::Op(Op::RParen))) => Ok(WordPart::CommandSubstitution(body)),
            Some(Ok(Token::Eof)) => Err(ParseError::unmatched(')')),
            Some(Ok(other)) => Err(unexpected(&other)),
            Some(Err(error)) => Err(error),
            None => Err(ParseError::unmatched(')')),
        }
    }

    fn backquoted(&mut self) -> Result<WordPart> {
        let mut inner = Vec::new();
        loop {
            match self.byte(0) {
                None => return Err(ParseError::unmatched('`')),
                Some(b'`') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') if matches!(self.byte(1), Some(b'`' | b'\\' | b'$')) => {
                    inner.push(self.src[self.pos + 1]);
                    self.pos += 2;
                }
                Some(b) => {
                    inner.push(b);
                    self.pos += 1;
                }
            }
        }
        let text = String::from_utf8_lossy(&inner).into_owned();
        self.enter()?;
        let mut sub = Parser { src: text.as_bytes(), pos: 0, peeked: None, depth: self.depth };
        let mut body = List::new();
        let parsed = loop {
            match sub.next_command() {
                Ok(Some(list)) => body.extend(list),
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        self.leave();
        parsed?;
        Ok(WordPart::CommandSubstitution(body))
    }

    /// The inside of `$((...))`: text up to the matching `))`, lexed like a double-quoted string
    /// (so `$x` and `$(...)` expand inside), evaluated after expansion.
    fn arithmetic(&mut self) -> Result<WordPart> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.byte(0) {
                None => return Err(ParseError::unmatched(')')),
                Some(b'(') => depth += 1,
                Some(b')') if depth == 0 => {
                    if self.byte(1) != Some(b')') {
                        return Err(ParseError::syntax("syntax error near unexpected token `)'"));
                    }
                    break;
                }
                Some(b')') => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        let inner = &self.src[start..self.pos];
        self.pos += 2;
        self.enter()?;
        let mut sub = Parser { src: inner, pos: 0, peeked: None, depth: self.depth };
        let mut parts = Vec::new();
        let mut literal = Vec::new();
        let result = loop {
            match sub.byte(0) {
                None => break Ok(()),
                Some(b'$' | b'`') => match sub.expansion(true) {
                    Ok(Some(part)) => {
                        flush_quoted(&mut literal, &mut parts);
                        parts.push(part);
                    }
                    Ok(None) => {
                        literal.push(b'$');
                        sub.pos += 1;
                    }
                    Err(error) => break Err(error),
                },
                Some(b'"') => sub.pos += 1,
                Some(b) => {
                    literal.push(b);
                    sub.pos += 1;
                }
            }
        };
        self.leave();
        result?;
        flush_quoted(&mut literal, &mut parts);
        Ok(WordPart::Arithmetic(parts))
    }

    fn braced_parameter(&mut self, in_double_quotes: bool) -> Result<WordPart> {
        let mut length = false;
        if self.byte(0) == Some(b'#') && self.byte(1).is_some_and(|b| b != b'}') {
            length = true;
            self.pos += 1;
        }
        let name_len = match self.byte(0) {
            Some(b'?' | b'$' | b'#' | b'!' | b'@' | b'*' | b'-') => 1,
            _ => self.src[self.pos..].iter().take_while(|b| **b == b'_' || b.is_ascii_alphanumeric()).count(),
        };
        let name = String::from_utf8_lossy(&self.src[self.pos..self.pos + name_len]).into_owned();
        self.pos += name_len;
        let bad = |p: &mut Self| {
            let end = p.src[p.pos..].iter().position(|&b| b == b'}').map(|i| p.pos + i + 1);
            let text = String::from_utf8_lossy(&p.src[p.pos - name_len..end.unwrap_or(p.src.len())]);
            match end {
                Some(_) => ParseError::syntax(format!("${{{text}: bad substitution")),
                None => ParseError::unmatched('}'),
            }
        };
        if name.is_empty() {
            return Err(bad(self));
        }
        if length {
            if self.byte(0) != Some(b'}') {
                return Err(bad(self));
            }
            self.pos += 1;
            return Ok(WordPart::Parameter(Parameter { name, op: ParameterOp::Length }));
        }
        let colon = self.byte(0) == Some(b':');
        let op_at = usize::from(colon);
        let op = match self.byte(op_at) {
            Some(b'}') if !colon => {
                self.pos += 1;
                return Ok(WordPart::Parameter(Parameter { name, op: ParameterOp::Plain }));
            }
            Some(c @ (b'-' | b'=' | b'+' | b'?')) => c,
            None => return Err(ParseError::unmatched('}')),
            Some(_) => return Err(bad(self)),
        };
        self.pos += op_at + 1;
        self.enter()?;
        let word = self.brace_word(in_double_quotes);
        self.leave();
        let word = word?;
        let op = match op {
            b'-' => ParameterOp::Default(colon, word),
            b'=' => ParameterOp::Assign(colon, word),
            b'+' => ParameterOp::Alternative(colon, word),
            _ => ParameterOp::Error(colon, word),
        };
        Ok(WordPart::Parameter(Parameter { name, op }))
    }

    /// The word after `${name:-`, up to the closing brace.
    fn brace_word(&mut self, in_double_quotes: bool) -> Result<Word> {
        let mut parts = self.word_parts(|b| b == b'}', in_double_quotes)?;
        if self.byte(0) != Some(b'}') {
            return Err(ParseError::unmatched('}'));
        }
        self.pos += 1;
        if in_double_quotes {
            parts = vec![WordPart::DoubleQuoted(parts)];
        }
        Ok(Word { parts })
    }
}

fn flush(literal: &mut Vec<u8>, parts: &mut Vec<WordPart>) {
    if !literal.is_empty() {
        parts.push(WordPart::Literal(String::from_utf8_lossy(literal).into_owned()));
        literal.clear();
    }
}

fn flush_quoted(literal: &mut Vec<u8>, parts: &mut Vec<WordPart>) {
    if !literal.is_empty() {
        parts.push(WordPart::Quoted(String::from_utf8_lossy(literal).into_owned()));
        literal.clear();
    }
}

fn unexpected(token: &Token) -> ParseError {
    match token {
        Token::Eof => ParseError::unexpected_eof(),
        other => ParseError::syntax(format!("syntax error near unexpected token `{}'", other.describe())),
    }
}

/// Only reached where a `peek` just matched the variant `take` returns.
fn unreachable_token() -> ! {
    unreachable!("token changed between peek and take")
}

pub fn is_name(text: &str) -> bool {
    let mut bytes = text.bytes();
    matches!(bytes.next(), Some(b) if b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

/// `NAME=value` at the start of a simple command.
fn as_assignment(word: &Word) -> Option<Assignment> {
    let Some(WordPart::Literal(first)) = word.parts.first() else {
        return None;
    };
    let eq = first.find('=')?;
    if !is_name(&first[..eq]) {
        return None;
    }
    let mut parts = Vec::new();
    if eq + 1 < first.len() {
        parts.push(WordPart::Literal(first[eq + 1..].to_string()));
    }
    parts.extend(word.parts[1..].iter().cloned());
    Some(Assignment { name: first[..eq].to_string(), value: Word { parts } })
}
