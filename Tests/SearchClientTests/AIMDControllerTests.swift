import Testing

@testable import SearchClient

/// The controller's schedule, driven directly: no I/O.
@Suite struct AIMDControllerTests {
    @Test func startsAtTheDocumentedDefaults() {
        let controller = AIMDController()
        #expect(controller.concurrency == 2)
        #expect(controller.batchBytes == 5 << 20)
        #expect(controller.batchDocuments == 1000)
        #expect(controller.settings.concurrency == 1...16)
        #expect(controller.settings.batchBytes == (256 << 10)...(16 << 20))
        #expect(controller.settings.batchDocuments.upperBound == 5000)
    }

    @Test func growsSlowlyOnSuccessUpToTheMaxima() {
        var controller = AIMDController()
        controller.recordSuccess(epoch: controller.epoch)
        #expect(controller.batchBytes == (5 << 20) + (256 << 10))
        #expect(controller.batchDocuments == 1100)
        #expect(controller.concurrency == 2, "concurrency waits for a streak")
        for _ in 1..<10 { controller.recordSuccess(epoch: controller.epoch) }
        #expect(controller.concurrency == 3)
        for _ in 0..<1000 { controller.recordSuccess(epoch: controller.epoch) }
        #expect(controller.concurrency == 16)
        #expect(controller.batchBytes == 16 << 20)
        #expect(controller.batchDocuments == 5000)
    }

    @Test func halvesOnRejectionDownToTheMinima() {
        var controller = AIMDController()
        let shrank = controller.recordRejection(epoch: 0)
        #expect(shrank)
        #expect(controller.concurrency == 1)
        #expect(controller.batchBytes == (5 << 20) / 2)
        #expect(controller.batchDocuments == 500)
        #expect(controller.epoch == 1)
        for _ in 0..<40 { controller.recordRejection(epoch: controller.epoch) }
        #expect(controller.concurrency == 1)
        #expect(controller.batchBytes == 256 << 10)
        #expect(controller.batchDocuments == 10)
    }

    @Test func oneBurstOfRejectionsHalvesOnce() {
        var controller = AIMDController(settings: .init(initialConcurrency: 16))
        let sentIn = controller.epoch
        // Sixteen requests in flight, all rejected: the first rejection halves, the others were sent before it.
        var shrinks = 0
        for _ in 0..<16 where controller.recordRejection(epoch: sentIn) { shrinks += 1 }
        #expect(shrinks == 1)
        #expect(controller.concurrency == 8)
        // Successes of requests sent before the decrease do not grow the new limits either.
        controller.recordSuccess(epoch: sentIn)
        #expect(controller.batchDocuments == 500)
        controller.recordSuccess(epoch: controller.epoch)
        #expect(controller.batchDocuments == 600)
    }

    @Test func aRejectionResetsTheConcurrencyStreak() {
        var controller = AIMDController(settings: .init(initialConcurrency: 4))
        for _ in 0..<9 { controller.recordSuccess(epoch: controller.epoch) }
        controller.recordRejection(epoch: controller.epoch)
        #expect(controller.concurrency == 2)
        for _ in 0..<9 { controller.recordSuccess(epoch: controller.epoch) }
        #expect(controller.concurrency == 2)
        controller.recordSuccess(epoch: controller.epoch)
        #expect(controller.concurrency == 3)
    }

    @Test func tooLargeHalvesTheBytesOnly() {
        var controller = AIMDController()
        let shrank = controller.recordTooLarge(epoch: controller.epoch)
        #expect(shrank)
        #expect(controller.batchBytes == (5 << 20) / 2)
        #expect(controller.batchDocuments == 1000)
        #expect(controller.concurrency == 2)
    }

    @Test func startingPointsAreClampedIntoTheirRanges() {
        let controller = AIMDController(
            settings: .init(
                concurrency: 1...4, initialConcurrency: 10, batchBytes: 1000...2000, initialBatchBytes: 10, initialBatchDocuments: 9999))
        #expect(controller.concurrency == 4)
        #expect(controller.batchBytes == 1000)
        #expect(controller.batchDocuments == 5000)
    }
}
