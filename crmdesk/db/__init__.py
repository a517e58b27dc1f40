"""SQLAlchemy only: the schema, the engine and unit of work, migrations."""
