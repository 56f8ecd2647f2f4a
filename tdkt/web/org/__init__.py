"""The board's set-up pages for the organisation: units, lineage, accounts."""
