import Testing

@testable import Capture

@Suite struct ExchangePairingTests {
    static func entry(_ record: CaptureRecord, at offset: Int64) -> CaptureLogEntry {
        CaptureLogEntry(
            record: record, position: CapturePosition(segment: 1, offset: offset), next: CapturePosition(segment: 1, offset: offset + 10))
    }

    static func request(_ exchange: UInt64, at millis: Int64 = 1000) -> CaptureRecord {
        .request(exchange: exchange, timestampMillis: millis, method: "PUT", target: "/a/_doc/\(exchange)", headers: [], body: [])
    }

    static func response(_ exchange: UInt64) -> CaptureRecord {
        .response(exchange: exchange, timestampMillis: 2000, status: 201, headers: [], body: [])
    }

    @Test func interleavedExchangesPairAndTheResumePositionStaysAtTheOldestUnanswered() {
        var pairing = ExchangePairing()
        #expect(pairing.add(Self.entry(Self.request(1), at: 0)) == nil)
        #expect(pairing.add(Self.entry(Self.request(2), at: 10)) == nil)
        let second = pairing.add(Self.entry(Self.response(2), at: 20))
        #expect(second?.request.exchange == 2 && second?.position == CapturePosition(segment: 1, offset: 10))
        // Exchange 1 is still open: a restart must read its request again.
        #expect(pairing.resumePosition(readerPosition: CapturePosition(segment: 1, offset: 30)) == CapturePosition(segment: 1, offset: 0))
        #expect(pairing.add(Self.entry(Self.response(1), at: 30))?.request.exchange == 1)
        #expect(pairing.resumePosition(readerPosition: CapturePosition(segment: 1, offset: 40)) == CapturePosition(segment: 1, offset: 40))
    }

    @Test func aResponseWithoutItsRequestIsCountedNotApplied() {
        var pairing = ExchangePairing()
        #expect(pairing.add(Self.entry(Self.response(7), at: 0)) == nil)
        #expect(pairing.unmatchedResponses == 1)
    }

    @Test func unansweredRequestsExpireInLogOrderOnlyWhenOldEnough() {
        var pairing = ExchangePairing()
        _ = pairing.add(Self.entry(Self.request(3, at: 500), at: 20))
        _ = pairing.add(Self.entry(Self.request(4, at: 400), at: 10))
        _ = pairing.add(Self.entry(Self.request(5, at: 9000), at: 30))
        let expired = pairing.expire(loggedBefore: 1000)
        #expect(expired.map(\.request.exchange) == [4, 3])
        #expect(expired.allSatisfy { $0.response == nil })
        #expect(pairing.pendingCount == 1 && pairing.oldestPendingMillis == 9000)
    }
}
