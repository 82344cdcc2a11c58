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
