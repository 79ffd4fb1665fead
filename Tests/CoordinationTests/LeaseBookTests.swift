import Coordination
import Testing

@Suite struct LeaseBookTests {
    let start = ContinuousClock.now
    let version = LeaseBook.Version(seqNo: 4, primaryTerm: 1)

    @Test func aLeaseLapsesAfterItsDurationCountedFromWhenItsVersionWasFirstSeen() {
        var book = LeaseBook()
        book.observe("a", version: version, duration: .seconds(10), at: start)
        book.observe("a", version: version, duration: .seconds(10), at: start + .seconds(9))
        #expect(!book.hasLapsed("a", version: version, at: start + .seconds(10)))
        #expect(book.hasLapsed("a", version: version, at: start + .seconds(11)))
        #expect(book.lapsed(at: start + .seconds(11)) == ["a"])
    }

    @Test func aRenewalStartsTheWaitOver() {
        var book = LeaseBook()
        book.observe("a", version: version, duration: .seconds(10), at: start)
        let renewed = LeaseBook.Version(seqNo: 9, primaryTerm: 1)
        book.observe("a", version: renewed, duration: .seconds(10), at: start + .seconds(8))
        #expect(!book.hasLapsed("a", version: renewed, at: start + .seconds(15)))
        #expect(book.hasLapsed("a", version: renewed, at: start + .seconds(19)))
        // The old version is not the one the item holds any more: taking over on it would fail anyway.
        #expect(!book.hasLapsed("a", version: version, at: start + .seconds(19)))
    }

    @Test func aNewPrimaryTermIsANewVersion() {
        var book = LeaseBook()
        book.observe("a", version: version, duration: .seconds(10), at: start)
        let promoted = LeaseBook.Version(seqNo: 4, primaryTerm: 2)
        book.observe("a", version: promoted, duration: .seconds(10), at: start + .seconds(8))
        #expect(book.lapsed(at: start + .seconds(12)).isEmpty)
    }

    @Test func itemsNoLongerListedAreForgotten() {
        var book = LeaseBook()
        book.observe("a", version: version, duration: .seconds(1), at: start)
        book.observe("b", version: version, duration: .seconds(1), at: start)
        book.keepOnly(["b"])
        #expect(book.lapsed(at: start + .seconds(5)) == ["b"])
        book.forget("b")
        #expect(book.lapsed(at: start + .seconds(5)).isEmpty)
    }

    @Test func theHolderStopsBeforeAnyObserverMayTakeOver() {
        // The holder sends its renewal at `start`; an observer cannot see that version before it was sent.
        var held = HeldLease(duration: .seconds(12), claimSentAt: start)
        var book = LeaseBook()
        book.observe("a", version: version, duration: .seconds(12), at: start + .milliseconds(1))
        let firstTakeover = (0...2000).map { start + .milliseconds($0 * 10) }.first { book.hasLapsed("a", version: version, at: $0) }
        let lastWrite = (0...2000).map { start + .milliseconds($0 * 10) }.last { held.isValid(at: $0) }
        #expect(firstTakeover != nil && lastWrite != nil)
        #expect(lastWrite! < firstTakeover!)
        #expect(firstTakeover! - lastWrite! >= .seconds(3))
        #expect(held.renewalDue == start + .seconds(4))
        held.confirm(sentAt: start + .seconds(4))
        #expect(held.isValid(at: start + .seconds(12)))
        #expect(!held.isValid(at: start + .seconds(13)))
        // A late confirmation of an older renewal does not move the deadline back.
        held.confirm(sentAt: start + .seconds(1))
        #expect(held.deadline == start + .seconds(13))
    }
}
