//! Working with the host filesystem: `pwd`, `cd`, `ls`, `mkdir`, `rm`.

use crate::command::{CommandResult, Context};
use crate::fs::FsError;
use crate::world::World;

pub fn pwd<W: World>(cx: &mut Context<'_, W>, _: &[String]) -> CommandResult {
    let cwd = cx.cwd().to_string();
    cx.out(format!("{cwd}\n"))?;
    Ok(0)
}

pub fn cd<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    if args.len() > 2 {
        cx.err("bash: cd: too many arguments\n")?;
        return Ok(1);
    }
    let target = match args.get(1).map(String::as_str) {
        None | Some("~") => cx.var("HOME").unwrap_or("/").to_string(),
        Some("-") => match cx.var("OLDPWD") {
            Some(old) => {
                let old = old.to_string();
                cx.out(format!("{old}\n"))?;
                old
            }
            None => {
                cx.err("bash: cd: OLDPWD not set\n")?;
                return Ok(1);
            }
        },
        Some(dir) => dir.to_string(),
    };
    let path = cx.resolve(&target);
    match cx.fs().metadata(&path) {
        Ok(meta) if meta.is_dir => {
            cx.set_cwd(path);
            Ok(0)
        }
        Ok(_) => {
            cx.err(format!("bash: cd: {target}: Not a directory\n"))?;
            Ok(1)
        }
        Err(error) => {
            cx.err(format!("bash: cd: {target}: {error}\n"))?;
            Ok(1)
        }
    }
}

pub fn ls<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let long = args[1..].iter().any(|a| a.starts_with('-') && a.contains('l'));
    let all = args[1..].iter().any(|a| a.starts_with('-') && a.contains('a'));
    let mut operands: Vec<String> = args[1..].iter().filter(|a| !a.starts_with('-')).cloned().collect();
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let mut status = 0;
    let many = operands.len() > 1;
    let mut out = String::new();
    for (i, operand) in operands.iter().enumerate() {
        let path = cx.resolve(operand);
        let meta = match cx.fs().metadata(&path) {
            Ok(meta) => meta,
            Err(error) => {
                cx.err(format!("ls: cannot access '{operand}': {error}\n"))?;
                status = 2;
                continue;
            }
        };
        let entries = if meta.is_dir {
            match cx.fs().list(&path) {
                Ok(entries) => entries,
                Err(error) => {
                    cx.err(format!("ls: cannot open directory '{operand}': {error}\n"))?;
                    status = 2;
                    continue;
                }
            }
        } else {
            vec![(operand.clone(), meta)]
        };
        if many && meta.is_dir {
            out.push_str(&format!("{}{operand}:\n", if i > 0 { "\n" } else { "" }));
        }
        let entries: Vec<_> = entries.into_iter().filter(|(name, _)| all || !name.starts_with('.')).collect();
        if long {
            let width = entries.iter().map(|(_, m)| m.len.to_string().len()).max().unwrap_or(1);
            for (name, meta) in &entries {
                let mode = if meta.is_dir { "drwxr-xr-x" } else { "-rw-r--r--" };
                out.push_str(&format!("{mode} 1 etcd etcd {:>width$} {name}\n", meta.len));
            }
        } else {
            for (name, _) in &entries {
                out.push_str(name);
                out.push('\n');
            }
        }
    }
    cx.out(out)?;
    Ok(status)
}

pub fn mkdir<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let parents = args[1..].iter().any(|a| a == "-p");
    let mut status = 0;
    for dir in args[1..].iter().filter(|a| !a.starts_with('-')) {
        let path = cx.resolve(dir);
        let result = if parents {
            let mut partial = String::new();
            let mut result = Ok(());
            for part in path.split('/').filter(|p| !p.is_empty()) {
                partial.push('/');
                partial.push_str(part);
                match cx.fs().create_dir(&partial) {
                    Ok(()) => {}
                    Err(FsError::AlreadyExists) if cx.fs().metadata(&partial).is_ok_and(|m| m.is_dir) => {}
                    Err(error) => {
                        result = Err(error);
                        break;
                    }
                }
            }
            result
        } else {
            cx.fs().create_dir(&path)
        };
        if let Err(error) = result {
            cx.err(format!("mkdir: cannot create directory ‘{dir}’: {error}\n"))?;
            status = 1;
        }
    }
    Ok(status)
}

pub fn rm<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let flags: String = args[1..].iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars()).collect();
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    let mut status = 0;
    for target in args[1..].iter().filter(|a| !a.starts_with('-')) {
        let path = cx.resolve(target);
        let result = match cx.fs().metadata(&path) {
            Ok(meta) if meta.is_dir && !recursive => Err(FsError::IsADirectory),
            Ok(meta) if meta.is_dir => remove_tree(cx, &path),
            Ok(_) => cx.fs().remove_file(&path),
            Err(error) => Err(error),
        };
        match result {
            Ok(()) => {}
            Err(FsError::NotFound) if force => {}
            Err(error) => {
                cx.err(format!("rm: cannot remove '{target}': {error}\n"))?;
                status = 1;
            }
        }
    }
    Ok(status)
}

fn remove_tree<W: World>(cx: &mut Context<'_, W>, path: &str) -> Result<(), FsError> {
    for (name, meta) in cx.fs().list(path)? {
        let child = format!("{}/{name}", path.trim_end_matches('/'));
        if meta.is_dir {
            remove_tree(cx, &child)?;
        } else {
            cx.fs().remove_file(&child)?;
        }
    }
    cx.fs().remove_dir(path)
}

/// `find PATH...`: every file and directory under each path, as GNU find lists them with no
/// expression (the path as given, then what lies below, directory by directory).
pub fn find<W: World>(cx: &mut Context<'_, W>, args: &[String]) -> CommandResult {
    let mut operands: Vec<String> = args[1..].to_vec();
    if let Some(option) = operands.iter().find(|a| a.starts_with('-')) {
        cx.err(format!("find: the playground's find takes paths only, not '{option}'\n"))?;
        return Ok(1);
    }
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let mut status = 0;
    let mut out = String::new();
    for operand in operands {
        let root = cx.resolve(&operand);
        if cx.fs().metadata(&root).is_err() {
            cx.err(format!("find: ‘{operand}’: No such file or directory\n"))?;
            status = 1;
            continue;
        }
        // Depth first, entries in the order the filesystem lists them.
        let root_is_dir = cx.fs().metadata(&root).is_ok_and(|m| m.is_dir);
        let mut stack = vec![(root, operand.trim_end_matches('/').to_string(), root_is_dir)];
        while let Some((path, shown, is_dir)) = stack.pop() {
            out.push_str(&shown);
            out.push('\n');
            if out.len() >= 64 * 1024 {
                cx.out(std::mem::take(&mut out))?;
            }
            if !is_dir {
                continue;
            }
            let Ok(entries) = cx.fs().list(&path) else { continue };
            // A listing describes a symbolic link itself, not its target: like GNU find
            // (`-P`), links to directories are not followed, so a link cycle ends.
            for (name, meta) in entries.into_iter().rev() {
                let child = format!("{}/{name}", path.trim_end_matches('/'));
                stack.push((child, format!("{shown}/{name}"), meta.is_dir));
            }
        }
    }
    cx.out(out)?;
    Ok(status)
}
