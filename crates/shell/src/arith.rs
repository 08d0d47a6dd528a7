//! `$((...))`: bash's integer arithmetic on wrapping 64-bit integers, with its error texts.

use std::collections::BTreeMap;

/// Variables as arithmetic sees them: read by name, written by `=`, `+=`, `++`.
pub trait Variables {
    fn get(&self, name: &str) -> Option<String>;
    fn set(&mut self, name: &str, value: String);
}

impl Variables for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        BTreeMap::get(self, name).cloned()
    }
    fn set(&mut self, name: &str, value: String) {
        self.insert(name.to_string(), value);
    }
}

/// A variable whose value is itself an expression is evaluated, to this depth at most.
const MAX_RECURSION: usize = 32;
/// Parentheses, unary operators and assignments nest to this depth at most (bounds the stack).
const MAX_NESTING: usize = 64;

/// Evaluates `expr`; the error is bash's message without the `bash: ` prefix.
pub fn evaluate(expr: &str, vars: &mut dyn Variables) -> Result<i64, String> {
    evaluate_at(expr, vars, 0)
}

fn evaluate_at(expr: &str, vars: &mut dyn Variables, depth: usize) -> Result<i64, String> {
    if expr.trim().is_empty() {
        return Ok(0);
    }
    let mut parser = Arith { src: expr, pos: 0, last_token: 0, vars, depth, skipping: 0, nesting: 0 };
    let value = parser.comma()?;
    parser.skip_space();
    if parser.pos < expr.len() {
        parser.last_token = parser.pos;
        return Err(parser.error("syntax error in expression"));
    }
    Ok(value)
}

struct Arith<'a> {
    src: &'a str,
    pos: usize,
    /// Where the most recent token began: bash quotes the input from there as the error token.
    last_token: usize,
    vars: &'a mut dyn Variables,
    depth: usize,
    /// Above zero while parsing the side of `&&`, `||` or `?:` that bash does not evaluate:
    /// it is parsed for syntax, but assigns nothing and cannot divide by zero.
    skipping: usize,
    nesting: usize,
}

/// Binary operators by precedence, loosest first.
const LEVELS: &[&[&str]] = &[
    &["||"],
    &["&&"],
    &["|"],
    &["^"],
    &["&"],
    &["==", "!="],
    &["<=", ">=", "<", ">"],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
];

const ASSIGN_OPS: &[&str] = &["<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "="];

impl<'a> Arith<'a> {
    fn error(&self, what: &str) -> String {
        let token = self.src[self.last_token..].trim();
        format!("{}: {what} (error token is \"{token}\")", self.src.trim())
    }

    fn skip_space(&mut self) {
        while self.src[self.pos..].starts_with([' ', '\t', '\n', '\r']) {
            self.pos += 1;
        }
    }

    /// Consumes `op` if it is next, and is not the prefix of a longer operator it must not split.
    fn eat(&mut self, op: &str) -> bool {
        self.skip_space();
        let rest = &self.src[self.pos..];
        if !rest.starts_with(op) {
            return false;
        }
        let after = &rest[op.len()..];
        let longer = match op {
            "|" => after.starts_with(['|', '=']),
            "&" => after.starts_with(['&', '=']),
            "<" | ">" => after.starts_with(['<', '>', '=']),
            "<<" | ">>" => after.starts_with('='),
            "*" => after.starts_with(['*', '=']),
            "+" => after.starts_with(['+', '=']),
            "-" => after.starts_with(['-', '=']),
            "=" | "!" => after.starts_with('='),
            "/" | "%" | "^" => after.starts_with('='),
            _ => false,
        };
        if longer {
            return false;
        }
        self.last_token = self.pos;
        self.pos += op.len();
        true
    }

    fn comma(&mut self) -> Result<i64, String> {
        let mut value = self.assignment()?;
        while self.eat(",") {
            value = self.assignment()?;
        }
        Ok(value)
    }

    /// Runs one level of recursive descent, refusing past [`MAX_NESTING`].
    fn nested(&mut self, f: fn(&mut Self) -> Result<i64, String>) -> Result<i64, String> {
        if self.nesting >= MAX_NESTING {
            return Err(self.error("expression nested too deeply"));
        }
        self.nesting += 1;
        let result = f(self);
        self.nesting -= 1;
        result
    }

    fn assignment(&mut self) -> Result<i64, String> {
        self.nested(Self::assignment_inner)
    }

    fn assignment_inner(&mut self) -> Result<i64, String> {
        self.skip_space();
        let start = self.pos;
        if let Some(name) = self.name() {
            for op in ASSIGN_OPS {
                if self.eat(op) {
                    let rhs = self.assignment()?;
                    let value = if *op == "=" {
                        rhs
                    } else {
                        let current = self.variable(&name)?;
                        self.apply(&op[..op.len() - 1], current, rhs)?
                    };
                    self.assign(&name, value);
                    return Ok(value);
                }
            }
            self.pos = start;
        }
        self.ternary()
    }

    fn ternary(&mut self) -> Result<i64, String> {
        let condition = self.binary(0)?;
        if !self.eat("?") {
            return Ok(condition);
        }
        self.skipping += usize::from(condition == 0);
        let then = self.assignment();
        self.skipping -= usize::from(condition == 0);
        let then = then?;
        if !self.eat(":") {
            return Err(self.error("`:' expected for conditional expression"));
        }
        self.skipping += usize::from(condition != 0);
        let otherwise = self.assignment();
        self.skipping -= usize::from(condition != 0);
        let otherwise = otherwise?;
        Ok(if condition != 0 { then } else { otherwise })
    }

    fn binary(&mut self, level: usize) -> Result<i64, String> {
        if level == LEVELS.len() {
            return self.power();
        }
        let mut left = self.binary(level + 1)?;
        'outer: loop {
            for op in LEVELS[level] {
                if self.eat(op) {
                    let skip = (*op == "&&" && left == 0) || (*op == "||" && left != 0);
                    self.skipping += usize::from(skip);
                    let right = self.binary(level + 1);
                    self.skipping -= usize::from(skip);
                    left = self.apply(op, left, right?)?;
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn power(&mut self) -> Result<i64, String> {
        let base = self.unary()?;
        if self.eat("**") {
            let exponent = self.power()?;
            return self.apply("**", base, exponent);
        }
        Ok(base)
    }

    fn apply(&self, op: &str, a: i64, b: i64) -> Result<i64, String> {
        if self.skipping > 0 {
            return Ok(0);
        }
        Ok(match op {
            "||" => i64::from(a != 0 || b != 0),
            "&&" => i64::from(a != 0 && b != 0),
            "|" => a | b,
            "^" => a ^ b,
            "&" => a & b,
            "==" => i64::from(a == b),
            "!=" => i64::from(a != b),
            "<=" => i64::from(a <= b),
            ">=" => i64::from(a >= b),
            "<" => i64::from(a < b),
            ">" => i64::from(a > b),
            "<<" => a.wrapping_shl(b as u32),
            ">>" => a.wrapping_shr(b as u32),
            "+" => a.wrapping_add(b),
            "-" => a.wrapping_sub(b),
            "*" => a.wrapping_mul(b),
            "/" | "%" if b == 0 => return Err(self.error("division by 0")),
            "/" => a.wrapping_div(b),
            "%" => a.wrapping_rem(b),
            "**" if b < 0 => return Err(self.error("exponent less than 0")),
            "**" => {
                let mut result: i64 = 1;
                let (mut base, mut exp) = (a, b as u64);
                while exp > 0 {
                    if exp & 1 == 1 {
                        result = result.wrapping_mul(base);
                    }
                    base = base.wrapping_mul(base);
                    exp >>= 1;
                }
                result
            }
            _ => return Err(self.error("syntax error: invalid arithmetic operator")),
        })
    }

    fn unary(&mut self) -> Result<i64, String> {
        self.nested(Self::unary_inner)
    }

    fn unary_inner(&mut self) -> Result<i64, String> {
        self.skip_space();
        for op in ["++", "--"] {
            if self.src[self.pos..].starts_with(op) {
                self.last_token = self.pos;
                self.pos += 2;
                self.skip_space();
                let Some(name) = self.name() else {
                    return Err(self.error("syntax error: operand expected"));
                };
                let value = self.variable(&name)?.wrapping_add(if op == "++" { 1 } else { -1 });
                self.assign(&name, value);
                return Ok(value);
            }
        }
        if self.eat("-") {
            return Ok(self.unary()?.wrapping_neg());
        }
        if self.eat("+") {
            return self.unary();
        }
        if self.eat("!") {
            return Ok(i64::from(self.unary()? == 0));
        }
        if self.eat("~") {
            return Ok(!self.unary()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<i64, String> {
        self.skip_space();
        if self.eat("(") {
            let value = self.comma()?;
            if !self.eat(")") {
                self.last_token = self.pos;
                return Err(self.error("missing `)'"));
            }
            return Ok(value);
        }
        let start = self.pos;
        if let Some(name) = self.name() {
            self.last_token = start;
            let value = self.variable(&name)?;
            self.skip_space();
            for (op, delta) in [("++", 1), ("--", -1)] {
                if self.src[self.pos..].starts_with(op) {
                    self.pos += 2;
                    self.assign(&name, value.wrapping_add(delta));
                }
            }
            return Ok(value);
        }
        let digits = self.src[self.pos..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#' || c == '_' || c == '@'))
            .unwrap_or(self.src.len() - self.pos);
        if digits == 0 {
            if self.pos >= self.src.len() {
                return Err(self.error("syntax error: operand expected"));
            }
            self.last_token = self.pos;
            return Err(self.error("syntax error: operand expected"));
        }
        self.last_token = self.pos;
        let text = &self.src[self.pos..self.pos + digits];
        let value = parse_number(text).ok_or_else(|| self.error("value too great for base"))?;
        self.pos += digits;
        Ok(value)
    }

    fn assign(&mut self, name: &str, value: i64) {
        if self.skipping == 0 {
            self.vars.set(name, value.to_string());
        }
    }

    fn name(&mut self) -> Option<String> {
        self.skip_space();
        let rest = &self.src[self.pos..];
        let first = rest.chars().next()?;
        if !(first == '_' || first.is_ascii_alphabetic()) {
            return None;
        }
        let len = rest.find(|c: char| !(c == '_' || c.is_ascii_alphanumeric())).unwrap_or(rest.len());
        self.pos += len;
        Some(rest[..len].to_string())
    }

    /// A variable's value as a number: unset or empty is 0, anything else is an expression.
    fn variable(&mut self, name: &str) -> Result<i64, String> {
        let Some(text) = self.vars.get(name) else {
            return Ok(0);
        };
        if let Some(value) = parse_number(text.trim()) {
            return Ok(value);
        }
        if self.depth >= MAX_RECURSION {
            return Err(format!("{name}: expression recursion level exceeded (error token is \"{name}\")"));
        }
        evaluate_at(&text, self.vars, self.depth + 1)
    }
}

/// Decimal, `0x` hex, leading-zero octal and bash's `base#digits`.
fn parse_number(text: &str) -> Option<i64> {
    if text.is_empty() {
        return Some(0);
    }
    let (base, digits) = if let Some((base, digits)) = text.split_once('#') {
        let base: u32 = base.parse().ok().filter(|b| (2..=64).contains(b))?;
        (base, digits)
    } else if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        (16, hex)
    } else if text.len() > 1 && text.starts_with('0') {
        (8, &text[1..])
    } else {
        (10, text)
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits.chars() {
        let digit = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            '@' => 62,
            '_' => 63,
            _ => return None,
        };
        if digit >= base {
            return None;
        }
        value = value.wrapping_mul(base as i64).wrapping_add(digit as i64);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn eval(expr: &str) -> Result<i64, String> {
        evaluate(expr, &mut BTreeMap::new())
    }

    #[test]
    fn precedence_and_bases() {
        assert_eq!(eval("16*1024*1024"), Ok(16777216));
        assert_eq!(eval("1 + 2 * 3 - 4 / 2"), Ok(5));
        assert_eq!(eval("2 ** 3 ** 2"), Ok(512));
        assert_eq!(eval("(1 + 2) * 3"), Ok(9));
        assert_eq!(eval("0x10 + 010 + 2#101"), Ok(16 + 8 + 5));
        assert_eq!(eval("-5 % 3"), Ok(-2));
        assert_eq!(eval("1 < 2 && 3 > 2 || 0"), Ok(1));
        assert_eq!(eval("5 > 3 ? 10 : 20"), Ok(10));
        assert_eq!(eval("!0 + ~0"), Ok(0));
        assert_eq!(eval("1 << 4 | 1"), Ok(17));
        assert_eq!(eval("2 ** 62 * 4"), Ok(0));
        assert_eq!(eval(""), Ok(0));
    }

    #[test]
    fn variables_and_assignment() {
        let mut vars = BTreeMap::new();
        vars.insert("i".to_string(), "4".to_string());
        vars.insert("e".to_string(), "i * 2".to_string());
        assert_eq!(evaluate("i + e", &mut vars), Ok(12));
        assert_eq!(evaluate("i += 1", &mut vars), Ok(5));
        assert_eq!(evaluate("i++", &mut vars), Ok(5));
        assert_eq!(vars["i"], "6");
        assert_eq!(evaluate("++i", &mut vars), Ok(7));
        assert_eq!(evaluate("unset + 1", &mut vars), Ok(1));
        assert_eq!(
            evaluate("0 && i++ || 1/0 > 0 || 7", &mut vars),
            Err("0 && i++ || 1/0 > 0 || 7: division by 0 (error token is \"0 > 0 || 7\")".into())
        );
        assert_eq!(evaluate("1 || i++", &mut vars), Ok(1));
        assert_eq!(evaluate("i ? 1 : i++", &mut vars), Ok(1));
        assert_eq!(vars["i"], "7");
        vars.insert("loop".to_string(), "loop".to_string());
        assert!(evaluate("loop", &mut vars).unwrap_err().contains("recursion"));
    }

    #[test]
    fn errors_use_bash_wording() {
        assert_eq!(eval("1/0").unwrap_err(), "1/0: division by 0 (error token is \"0\")");
        assert_eq!(eval("1+").unwrap_err(), "1+: syntax error: operand expected (error token is \"+\")");
        assert!(eval("(1").unwrap_err().contains("missing `)'"));
        assert!(eval("1 2").unwrap_err().contains("syntax error in expression"));
        assert!(eval("09").unwrap_err().contains("value too great for base"));
    }
}
