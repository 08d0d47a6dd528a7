//! The syntax tree of the shell subset: POSIX's grammar, cut down to what etcd's documentation uses.

/// A sequence of and-or lists, as a line or a `do ... done` body holds them.
pub type List = Vec<AndOr>;

/// `pipeline (&& pipeline | || pipeline)*`
#[derive(Debug, Clone, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(Connector, Pipeline)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connector {
    And,
    Or,
}

/// `[!] command (| command)*`
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub negated: bool,
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Simple(SimpleCommand),
    Compound(Compound, Vec<Redirect>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimpleCommand {
    pub assignments: Vec<Assignment>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub name: String,
    pub value: Word,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Compound {
    /// `{ list; }`
    Group(List),
    /// `( list )`: variables set inside do not leak out.
    Subshell(List),
    While {
        until: bool,
        condition: List,
        body: List,
    },
    For {
        variable: String,
        items: Option<Vec<Word>>,
        body: List,
    },
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The file descriptor redirected (0, 1 or 2).
    pub fd: u32,
    pub kind: RedirectKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RedirectKind {
    /// `< file`
    Read(Word),
    /// `> file`
    Write(Word),
    /// `>> file`
    Append(Word),
    /// `&> file`: stdout and stderr to one file.
    WriteBoth(Word),
    /// `n>&m`
    Duplicate(u32),
    /// `<<< word`
    HereString(Word),
}

/// A word before expansion: the pieces keep how they were quoted, since that decides splitting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Word {
    pub parts: Vec<WordPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WordPart {
    /// Unquoted text: subject to field splitting only where it came from an expansion, so
    /// literal text is never split.
    Literal(String),
    /// Text from single quotes or a backslash escape.
    Quoted(String),
    /// `"..."`: its expansions are not split.
    DoubleQuoted(Vec<WordPart>),
    Parameter(Parameter),
    /// `$(...)` or backquotes.
    CommandSubstitution(List),
    /// `$((...))`: the text is expanded, then evaluated.
    Arithmetic(Vec<WordPart>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub op: ParameterOp,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParameterOp {
    /// `$x`, `${x}`
    Plain,
    /// `${#x}`
    Length,
    /// `${x-w}` / `${x:-w}` (the bool: the colon form, which also treats empty as unset)
    Default(bool, Word),
    /// `${x=w}` / `${x:=w}`
    Assign(bool, Word),
    /// `${x+w}` / `${x:+w}`
    Alternative(bool, Word),
    /// `${x?w}` / `${x:?w}`
    Error(bool, Word),
}

impl Word {
    pub fn literal(text: &str) -> Word {
        Word { parts: vec![WordPart::Literal(text.to_string())] }
    }

    /// The word's text when it has no expansions and no quotes (reserved words, names).
    pub fn as_plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [WordPart::Literal(text)] => Some(text),
            _ => None,
        }
    }
}
