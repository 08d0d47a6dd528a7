//! etcdctl's tables (olekukonko/tablewriter as etcdctl configures it): headers centred, cells
//! right-aligned with a space of padding, and cells longer than 30 characters wrapped at
//! spaces onto more lines.

/// tablewriter's default maximum column width before wrapping.
const MAX_COLUMN_WIDTH: usize = 30;

fn wrap(cell: &str) -> Vec<String> {
    if cell.chars().count() <= MAX_COLUMN_WIDTH {
        return vec![cell.to_string()];
    }
    let mut lines: Vec<String> = Vec::new();
    for word in cell.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= MAX_COLUMN_WIDTH => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

pub fn render(headers: &[&str], rows: &[Vec<String>]) -> String {
    let wrapped: Vec<Vec<Vec<String>>> =
        rows.iter().map(|row| row.iter().map(|c| wrap(c)).collect()).collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, header)| {
            let mut width = header.chars().count();
            for (row, lines) in rows.iter().zip(&wrapped) {
                let cell = row.get(i).map_or(0, |c| c.chars().count().min(MAX_COLUMN_WIDTH));
                let longest =
                    lines.get(i).map_or(0, |l| l.iter().map(|s| s.chars().count()).max().unwrap_or(0));
                width = width.max(cell).max(longest);
            }
            width
        })
        .collect();
    let rule: String = widths.iter().map(|w| format!("+{}", "-".repeat(w + 2))).collect::<String>() + "+\n";
    let mut text = rule.clone();
    for (header, width) in headers.iter().zip(&widths) {
        let gap = width - header.chars().count();
        let left = gap / 2;
        text.push_str(&format!("| {}{header}{} ", " ".repeat(left), " ".repeat(gap - left)));
    }
    text.push_str("|\n");
    text.push_str(&rule);
    for lines in &wrapped {
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            for (i, width) in widths.iter().enumerate() {
                let cell = lines.get(i).and_then(|l| l.get(line)).map_or("", String::as_str);
                let pad = width - cell.chars().count();
                text.push_str(&format!("| {}{cell} ", " ".repeat(pad)));
            }
            text.push_str("|\n");
        }
    }
    text.push_str(&rule);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_wrap_at_spaces() {
        let table = render(&["ERRORS"], &[vec!["memberID:5386783085077306799 alarm:NOSPACE ".into()]]);
        assert_eq!(
            table,
            "+--------------------------------+\n\
             |             ERRORS             |\n\
             +--------------------------------+\n\
             |   memberID:5386783085077306799 |\n\
             |                 alarm:NOSPACE  |\n\
             +--------------------------------+\n"
        );
    }
}
