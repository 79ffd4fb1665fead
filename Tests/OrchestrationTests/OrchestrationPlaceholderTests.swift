import Testing

@testable import Orchestration
