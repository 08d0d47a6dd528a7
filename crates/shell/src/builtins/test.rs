//! `test` and `[`, following bash's rules: by argument count for up to four arguments, then a
//! precedence parse of `!`, `-a`, `-o` and parentheses.

use crate::command::{CommandResult, Context};
use crate::world::World;

pub fn test<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    evaluate(cx, "test", &args[1..])
}

pub fn bracket<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    match args[1..].split_last() {
        Some((last, rest)) if last == "]" => evaluate(cx, "[", rest),
        _ => {
            cx.err("bash: [: missing `]'\n")?;
            Ok(2)
        }
    }
}

fn evaluate<W: World>(cx: &mut Context<'_, W>, name: &str, args: &[String]) -> CommandResult {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut eval = Eval { cx, args: &args, pos: 0, depth: 0 };
    let result = match args.len() {
        0..=4 => eval.by_count(&args),
        _ => eval.expression().and_then(|value| match args.get(eval.pos) {
            None => Ok(value),
            Some(extra) => Err(format!("{extra}: binary operator expected")),
        }),
    };
    match result {
        Ok(true) => Ok(0),
        Ok(false) => Ok(1),
        Err(message) => {
            cx.err(format!("bash: {name}: {message}\n"))?;
            Ok(2)
        }
    }
}

const UNARY: &[&str] = &[
    "-z", "-n", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-a", "-b", "-c", "-g", "-h", "-k", "-L", "-p",
    "-S", "-t", "-u", "-G", "-O", "-N",
];
const BINARY: &[&str] =
    &["=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef"];

struct Eval<'c, 'a, 'x, W: World> {
    cx: &'c mut Context<'x, W>,
    args: &'a [&'a str],
    pos: usize,
    /// Open parentheses: bounded, so `[ ( ( ( ...` cannot overflow the stack.
    depth: usize,
}

/// Parentheses nest this deep at most, as the shell's parser does.
const MAX_DEPTH: usize = crate::parse::MAX_NESTING;

type Answer = Result<bool, String>;

impl<'a, W: World> Eval<'_, 'a, '_, W> {
    fn by_count(&mut self, args: &[&'a str]) -> Answer {
        match args {
            [] => Ok(false),
            [one] => Ok(!one.is_empty()),
            ["!", one] => Ok(one.is_empty()),
            [op, operand] if UNARY.contains(op) => self.unary(op, operand),
            [first, _] => Err(format!("{first}: unary operator expected")),
            [a, op, b] if BINARY.contains(op) => self.binary(a, op, b),
            [a, "-a", b] => Ok(!a.is_empty() && !b.is_empty()),
            [a, "-o", b] => Ok(!a.is_empty() || !b.is_empty()),
            ["!", rest @ ..] => self.by_count(rest).map(|v| !v),
            ["(", inner, ")"] => Ok(!inner.is_empty()),
            [_, op, _] => Err(format!("{op}: binary operator expected")),
            ["(", a, b, ")"] => self.by_count(&[a, b]),
            _ => {
                let value = self.expression()?;
                match self.args.get(self.pos) {
                    None => Ok(value),
                    Some(extra) => Err(format!("{extra}: binary operator expected")),
                }
            }
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.args.get(self.pos).copied()
    }

    fn next(&mut self) -> Result<&'a str, String> {
        let arg = self.args.get(self.pos).copied().ok_or_else(|| "argument expected".to_string())?;
        self.pos += 1;
        Ok(arg)
    }

    fn expression(&mut self) -> Answer {
        let mut value = self.and()?;
        while self.peek() == Some("-o") {
            self.pos += 1;
            let right = self.and()?;
            value = value || right;
        }
        Ok(value)
    }

    fn and(&mut self) -> Answer {
        let mut value = self.term()?;
        while self.peek() == Some("-a") {
            self.pos += 1;
            let right = self.term()?;
            value = value && right;
        }
        Ok(value)
    }

    fn term(&mut self) -> Answer {
        let mut first = self.next()?;
        // `! ! x`: counted rather than recursed, however many there are.
        let mut negated = false;
        while first == "!" && self.peek().is_some() {
            negated = !negated;
            first = self.next()?;
        }
        self.term_after(first).map(|v| v != negated)
    }

    fn term_after(&mut self, first: &'a str) -> Answer {
        if first == "(" {
            if self.depth >= MAX_DEPTH {
                return Err(format!("expression nested too deeply (more than {MAX_DEPTH} levels)"));
            }
            self.depth += 1;
            let value = self.expression();
            self.depth -= 1;
            let value = value?;
            if self.next()? != ")" {
                return Err("`)' expected".to_string());
            }
            return Ok(value);
        }
        if let Some(op) = self.peek() {
            if BINARY.contains(&op) && self.args.len() > self.pos + 1 {
                self.pos += 1;
                let right = self.next()?;
                return self.binary(first, op, right);
            }
        }
        if UNARY.contains(&first) {
            let operand = self.next()?;
            return self.unary(first, operand);
        }
        Ok(!first.is_empty())
    }

    fn unary(&mut self, op: &str, operand: &str) -> Answer {
        match op {
            "-z" => return Ok(operand.is_empty()),
            "-n" => return Ok(!operand.is_empty()),
            "-t" => return Ok(false),
            _ => {}
        }
        let path = self.cx.resolve(operand);
        let meta = if operand == "/dev/null" {
            Ok(crate::Metadata { is_dir: false, len: 0 })
        } else {
            self.cx.fs().metadata(&path)
        };
        Ok(match (op, meta) {
            (_, Err(_)) => false,
            ("-d", Ok(m)) => m.is_dir,
            ("-f", Ok(m)) => !m.is_dir && operand != "/dev/null",
            ("-s", Ok(m)) => m.len > 0,
            ("-e" | "-a" | "-r" | "-w", Ok(_)) => true,
            ("-x", Ok(m)) => m.is_dir,
            _ => false,
        })
    }

    fn binary(&mut self, a: &str, op: &str, b: &str) -> Answer {
        let int = |s: &str| -> Result<i64, String> {
            s.trim().parse::<i64>().map_err(|_| format!("{s}: integer expression expected"))
        };
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            _ => false,
        })
    }
}
