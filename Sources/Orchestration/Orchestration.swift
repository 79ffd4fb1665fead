/// The blue-green run sequenced: migrate, cut over, roll back, decommission.
public enum Orchestration {}
