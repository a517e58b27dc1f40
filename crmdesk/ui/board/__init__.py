"""The pipeline board: one card model, a proxy, list view and delegate per stage."""
