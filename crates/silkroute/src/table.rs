//! Terminal tables.

use comfy_table::{CellAlignment, ContentArrangement, Table, TableComponent, presets};

/// A table with the house style: a rule under the header only, right-aligned numeric columns,
/// fitted to the terminal, or to `$COLUMNS` (default 120) when the output is not a terminal.
pub fn new_table(header: &[&str], numeric: &[usize]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    table.remove_style(TableComponent::HorizontalLines);
    table.remove_style(TableComponent::MiddleIntersections);
    table.remove_style(TableComponent::LeftBorderIntersections);
    table.remove_style(TableComponent::RightBorderIntersections);
    if table.width().is_none() {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|&c| c >= 40)
            .unwrap_or(120);
        table.set_width(columns);
    }
    for &column in numeric {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// The width tables are fitted to: the terminal's, or `$COLUMNS` (default 120) when the output
/// is not a terminal.
pub fn width() -> u16 {
    Table::new().width().unwrap_or_else(|| {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|&c| c >= 40)
            .unwrap_or(120)
    })
}

/// A matrix as tables that each fit the width: the row names first, then as many columns as
/// fit, the next columns in the next table (as R prints a wide matrix). Cells are right-aligned.
pub fn matrix_tables(
    corner: &str,
    rows: &[String],
    columns: &[String],
    cells: &[Vec<String>],
) -> Vec<Table> {
    // What comfy-table spends around each column: a space of padding on either side and one
    // for the (blank) border between columns.
    const PADDING: usize = 3;
    let chars = |text: &str| text.chars().count();
    let first = rows
        .iter()
        .map(|row| chars(row))
        .chain([chars(corner)])
        .max()
        .unwrap_or(0)
        + PADDING;
    let widths: Vec<usize> = (0..columns.len())
        .map(|j| {
            cells
                .iter()
                .map(|row| row.get(j).map_or(0, |cell| chars(cell)))
                .chain([chars(&columns[j])])
                .max()
                .unwrap_or(0)
                + PADDING
        })
        .collect();
    let room = usize::from(width()).saturating_sub(first).max(1);
    let mut tables = Vec::new();
    let mut start = 0;
    while start < columns.len() {
        let mut end = start;
        let mut used = 0;
        while end < columns.len() && (end == start || used + widths[end] <= room) {
            used += widths[end];
            end += 1;
        }
        let mut header = vec![corner];
        header.extend(columns[start..end].iter().map(String::as_str));
        let numeric: Vec<usize> = (1..=end - start).collect();
        let mut table = new_table(&header, &numeric);
        table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
        for (name, row) in rows.iter().zip(cells) {
            let mut line = vec![name.clone()];
            line.extend(row[start..end].iter().cloned());
            table.add_row(line);
        }
        tables.push(table);
        start = end;
    }
    tables
}
