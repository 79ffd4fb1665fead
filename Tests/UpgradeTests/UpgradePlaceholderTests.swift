import Testing

@testable import Upgrade
