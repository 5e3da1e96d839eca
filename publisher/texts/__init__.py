"""Every sentence a person reads, in one catalogue (one module per area), so that wording
changes touch no logic. Import the area module: `from publisher.texts import lifecycle`."""
