"""The suggestion pages, one module per audience: deputy, office, unit, detail, documents."""
