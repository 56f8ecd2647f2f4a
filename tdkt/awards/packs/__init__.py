"""The rule packs, one JSON file per legal era; loaded and validated by `tdkt.awards.rulepacks`."""
