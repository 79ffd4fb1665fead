/// In-place upgrades: plans, the rolling and restart sequences, and Docker Compose files.
public enum Upgrade {}
