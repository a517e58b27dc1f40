"""The reports tab: KPI cards, one chart and table per report, drill-down, printing."""
