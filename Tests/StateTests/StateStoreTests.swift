import Foundation
import GRDB
import TernCore
import Testing

@testable import Backfill
@testable import State

@Suite struct StateStoreTests {
    /// A fresh folder under the system's temporary folder, removed after `body`.
    func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tern-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    func plan(_ count: Int, index: String = "logs-2024") -> [UnitSpec] {
        (0..<count).map { UnitSpec(key: "\(index)/slice-\($0)-of-\(count)", estimatedDocuments: 1000) }
    }

    /// The error `body` throws, which must be a TernError.
    func ternError(_ body: () async throws -> Void) async -> TernError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? TernError
        }
    }

    @Test func aRunResumesFromAnotherInstanceWithOnlyItsPendingUnits() async throws {
        try await withFolder { folder in
            let units = plan(5)
            let first = try StateStore(folder: folder)
            let begun = try await first.beginRun(kind: .backfill, key: "k1", description: "logs-2024 from http://a:9200", units: units)
            #expect(!begun.resumed)
            #expect(begun.pendingUnits.map(\.key) == units.map(\.key))
            #expect(begun.pendingUnits.allSatisfy { $0.status == .pending && $0.counts == .zero && $0.estimatedDocuments == 1000 })

            let run = begun.run.id
            try await first.completeUnit(run: run, unit: units[1].key, counts: UnitCounts(read: 10, written: 8, alreadyNewer: 1, failed: 1))
            try await first.completeUnit(run: run, unit: units[3].key, counts: UnitCounts(read: 5, written: 5))
            try await first.recordProgress(
                run: run, unit: units[2].key, counts: UnitCounts(read: 4, written: 4), checkpoint: "[1700000000,\"doc-4\"]")

            // A second instance, as the next process would open it; the first is never closed cleanly.
            let second = try StateStore(folder: folder)
            let resumed = try await second.beginRun(kind: .backfill, key: "k1", description: "logs-2024 from http://a:9200", units: units)
            #expect(resumed.resumed)
            #expect(resumed.run.id == run)
            #expect(resumed.run.starts == 2)
            #expect(resumed.pendingUnits.map(\.key) == [units[0].key, units[2].key, units[4].key])
            let inProgress = try #require(resumed.pendingUnits.first { $0.key == units[2].key })
            #expect(inProgress.checkpoint == "[1700000000,\"doc-4\"]")
            #expect(inProgress.counts == UnitCounts(read: 4, written: 4))
            #expect(try await second.pendingUnits(run: run).map(\.key) == resumed.pendingUnits.map(\.key))

            let summary = try #require(try await second.runs(kind: .backfill).first)
            #expect(summary.run.status == .running)
            #expect(summary.doneUnits == 2)
            #expect(summary.pendingUnits == 3)
            #expect(summary.totals == UnitCounts(read: 19, written: 17, alreadyNewer: 1, failed: 1))
            let done = try #require(summary.units.first { $0.key == units[1].key })
            #expect(done.status == .done && done.completedAt != nil && done.checkpoint == nil)
        }
    }

    @Test func aResumedPlanAddsNewUnitsKeepsDoneOnesAndDropsVanishedPendingOnes() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let units = plan(3)
            let run = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units).run.id
            try await store.completeUnit(run: run, unit: units[0].key, counts: UnitCounts(read: 1, written: 1))

            // The source lost the index of units[1] and gained one.
            let replanned = [units[0], units[2], UnitSpec(key: "logs-2025/slice-0-of-1")]
            let resumed = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: replanned)
            #expect(resumed.resumed)
            #expect(resumed.droppedUnits == [units[1].key])
            #expect(resumed.pendingUnits.map(\.key) == [units[2].key, "logs-2025/slice-0-of-1"])
            let summary = try #require(try await store.runs().first)
            #expect(summary.units.map(\.key) == [units[0].key, units[2].key, "logs-2025/slice-0-of-1"])
            #expect(summary.units[0].counts == UnitCounts(read: 1, written: 1))
        }
    }

    @Test func aDifferentKeyOrKindStartsANewRun() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let first = try await store.beginRun(kind: .backfill, key: "source-a->target", description: "a", units: plan(2))
            let other = try await store.beginRun(kind: .backfill, key: "source-b->target", description: "b", units: plan(2))
            let otherKind = try await store.beginRun(kind: .remoteReindex, key: "source-a->target", description: "a", units: plan(1))
            #expect(!other.resumed && !otherKind.resumed)
            #expect(Set([first.run.id, other.run.id, otherKind.run.id]).count == 3)
            #expect(try await store.runs(kind: .backfill).map(\.run.id) == [other.run.id, first.run.id])
            #expect(try await store.runs().count == 3)
        }
    }

    @Test func finishedRunsAreNotResumedAndCompletionNeedsEveryUnitDone() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let units = plan(2)
            let abandoned = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units).run.id
            try await store.completeUnit(run: abandoned, unit: units[0].key, counts: UnitCounts(read: 1, written: 1))
            try await store.finishRun(run: abandoned, status: .abandoned)

            let again = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units)
            #expect(!again.resumed)
            #expect(again.run.id != abandoned)
            #expect(again.pendingUnits.count == 2)

            let early = await ternError { try await store.finishRun(run: again.run.id, status: .completedWithFailures) }
            #expect(early?.message == "Run \(again.run.id) cannot be finished as completed_with_failures with 2 units still pending.")
            let stillRunning = await ternError { try await store.finishRun(run: again.run.id, status: .running) }
            #expect(stillRunning?.kind == .invalidArgument)
            for unit in units {
                try await store.completeUnit(run: again.run.id, unit: unit.key, counts: UnitCounts(read: 1, written: 1))
            }
            try await store.finishRun(run: again.run.id, status: .completed)
            let third = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units)
            #expect(!third.resumed)

            let statuses = try await store.runs(kind: .backfill).map(\.run.status)
            #expect(statuses == [.running, .completed, .abandoned])
            #expect(try await store.runs().first { $0.run.id == again.run.id }?.run.finishedAt != nil)
        }
    }

    @Test func unknownUnitsAndDuplicatePlansAreRefused() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let run = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: plan(1)).run.id
            let unknown = await ternError { try await store.completeUnit(run: run, unit: "nope", counts: .zero) }
            #expect(unknown?.kind == .invalidArgument)
            let unknownProgress = await ternError {
                try await store.recordProgress(run: run, unit: "nope", counts: .zero, checkpoint: nil)
            }
            #expect(unknownProgress?.kind == .invalidArgument)
            let twice = await ternError {
                _ = try await store.beginRun(
                    kind: .backfill, key: "k2", description: "d", units: [UnitSpec(key: "a"), UnitSpec(key: "a")])
            }
            #expect(twice?.kind == .invalidArgument)
        }
    }

    @Test func lateProgressDoesNotReopenADoneUnit() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let units = plan(1)
            let run = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units).run.id
            try await store.completeUnit(run: run, unit: units[0].key, counts: UnitCounts(read: 9, written: 9))
            try await store.recordProgress(run: run, unit: units[0].key, counts: UnitCounts(read: 3, written: 3), checkpoint: "3")
            #expect(try await store.pendingUnits(run: run).isEmpty)
            let unit = try #require(try await store.runs().first?.units.first)
            #expect(unit.counts == UnitCounts(read: 9, written: 9) && unit.checkpoint == nil)
        }
    }

    @Test func rememberedSettingsSurviveAReopenKeepTheFirstOriginalAndAreForgottenAfterRestore() async throws {
        try await withFolder { folder in
            let target = "https://target:9200"
            do {
                let store = try StateStore(folder: folder)
                try await store.rememberSetting(cluster: target, index: "logs", setting: "index.refresh_interval", originalValue: "5s")
                try await store.rememberSetting(cluster: target, index: "logs", setting: "index.number_of_replicas", originalValue: nil)
                try await store.rememberSetting(
                    cluster: "https://other:9200", index: "logs", setting: "index.refresh_interval", originalValue: "1s")
            }

            // The next run after a crash sees the fast-load value and tries to remember it: the real original stays.
            let store = try StateStore(folder: folder)
            let kept = try await store.rememberSetting(
                cluster: target, index: "logs", setting: "index.refresh_interval", originalValue: "-1")
            #expect(kept.originalValue == "5s")

            let toRestore = try await store.settingsToRestore(cluster: target)
            #expect(toRestore.map(\.setting) == ["index.number_of_replicas", "index.refresh_interval"])
            #expect(toRestore.map(\.originalValue) == [nil, "5s"])
            #expect(toRestore.allSatisfy { $0.cluster == target && $0.index == "logs" })

            for setting in toRestore {
                try await store.forgetSetting(cluster: setting.cluster, index: setting.index, setting: setting.setting)
            }
            #expect(try await StateStore(folder: folder).settingsToRestore(cluster: target).isEmpty)
            #expect(try await StateStore(folder: folder).settingsToRestore(cluster: "https://other:9200").count == 1)
        }
    }

    @Test func credentialsInURLsAreNeverStored() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let setting = await ternError {
                try await store.rememberSetting(cluster: "https://admin:s3cret@target:9200", index: "i", setting: "s", originalValue: nil)
            }
            #expect(setting?.kind == .invalidArgument)
            #expect(setting?.message.contains("s3cret") == false)
            let run = await ternError {
                _ = try await store.beginRun(
                    kind: .backfill, key: "k", description: "logs from http://elastic:changeme@source:9200/ to https://target:9200",
                    units: [])
            }
            #expect(run?.kind == .invalidArgument)
            #expect(try await store.runs().isEmpty)
            // An @ after the host is a path or a query, not a credential.
            _ = try await store.beginRun(kind: .backfill, key: "k", description: "logs@2024 from http://source:9200/a@b", units: [])
        }
    }

    @Test func writesAreWALAndSyncedAtEveryCommit() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let (journal, synchronous) = try await store.pool.writeWithoutTransaction { db in
                (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(store.path == URL(fileURLWithPath: folder).appendingPathComponent("state.sqlite").path)
        }
    }

    @Test func aFolderThatCannotBeWrittenGivesOneSentence() async throws {
        try await withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let file = folder + "/plain-file"
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: file))

            // Root writes anywhere, so "not writable" is made with a file where a folder must be.
            let under = await ternError { _ = try StateStore(folder: file + "/.tern") }
            #expect(under?.kind == .stateStore)
            #expect(
                under?.message == "Could not create the workspace folder \(file)/.tern (Not a directory); choose a writable place for it.")

            let isFile = await ternError { _ = try StateStore(folder: file) }
            #expect(
                isFile?.message == "The workspace folder \(file) is a file, not a folder; move it away or choose another workspace folder.")

            if geteuid() != 0 {
                let locked = folder + "/locked"
                try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
                chmod(locked, 0o500)
                defer { chmod(locked, 0o700) }
                let readOnly = await ternError { _ = try StateStore(folder: locked) }
                #expect(readOnly?.kind == .stateStore)
                #expect(readOnly?.message.hasPrefix("The workspace folder \(locked) is not writable") == true)
            }
            for error in [under, isFile] {
                #expect(error.map { !$0.message.contains("\n") && $0.message.hasSuffix(".") } == true)
            }
        }
    }

    @Test func aGarbageFileInPlaceOfTheDatabaseGivesOneSentence() async throws {
        try await withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/state.sqlite"
            try Data(String(repeating: "this is not SQLite\n", count: 300).utf8).write(to: URL(fileURLWithPath: path))
            let error = await ternError { _ = try StateStore(folder: folder) }
            #expect(error?.kind == .stateStore)
            #expect(error?.exitCode == .usage)
            #expect(
                error?.message.hasPrefix("\(path) is not a readable Tern state database (file is not a database); move it away") == true)
            #expect(error.map { !$0.message.contains("\n") && $0.message.hasSuffix(".") } == true)
        }
    }

    @Test func aDamagedDatabaseGivesOneSentenceWhenOpenedOrRead() async throws {
        try await withFolder { folder in
            let path = try await {
                let store = try StateStore(folder: folder)
                _ = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: plan(500))
                try store.close()
                return store.path
            }()
            // The store is closed (its WAL folded into the file); now pages past the header are overwritten.
            let file = try #require(FileHandle(forWritingAtPath: path))
            try file.seek(toOffset: 4096)
            try file.write(contentsOf: Data(repeating: 0xA5, count: 16384))
            try file.close()

            let error = await ternError { _ = try await StateStore(folder: folder).runs() }
            #expect(error?.kind == .stateStore)
            #expect(error?.message.hasPrefix("\(path) is not a readable Tern state database (") == true)
            #expect(error.map { !$0.message.contains("\n") && $0.message.hasSuffix(".") } == true)
        }
    }

    @Test func failuresWhileWritingReadAsOneSentence() {
        let path = "/w/.tern/state.sqlite"
        let action = "record unit logs/slice-0 of run 3 as done in \(path)"
        #expect(
            TernError.stateStore(DatabaseError(resultCode: .SQLITE_FULL), path: path, action: action).message
                == "Could not \(action): the disk is full; free some space and start again.")
        let readOnly = DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database")
        #expect(
            TernError.stateStore(readOnly, path: path, action: action).message
                == "Could not \(action) (attempt to write a readonly database); "
                + "make the file and its folder writable or choose another workspace folder.")
        #expect(
            TernError.stateStore(DatabaseError(resultCode: .SQLITE_IOERR, message: "disk I/O error"), path: path, action: action).message
                == "Could not record unit logs/slice-0 of run 3 as done in /w/.tern/state.sqlite: disk I/O error.")
    }

    @Test func aDatabaseWrittenByANewerTernIsRefused() async throws {
        try await withFolder { folder in
            let path = try StateStore(folder: folder).path
            // What a future Tern leaves behind: a migration this build does not know.
            let future = try DatabaseQueue(path: path)
            try await future.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            try future.close()
            let error = await ternError { _ = try StateStore(folder: folder) }
            #expect(error?.kind == .stateStore)
            #expect(
                error?.message == "\(path) was written by a newer version of Tern; use that version, or choose another workspace folder.")
        }
    }

    @Test func manyTasksCompleteUnitsAtOnce() async throws {
        try await withFolder { folder in
            let store = try StateStore(folder: folder)
            let units = plan(200)
            let run = try await store.beginRun(kind: .backfill, key: "k", description: "d", units: units).run.id
            // Two readers of the status run alongside, as the console would.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, unit) in units.enumerated() {
                    group.addTask {
                        try await store.recordProgress(
                            run: run, unit: unit.key, counts: UnitCounts(read: index), checkpoint: String(index))
                        try await store.completeUnit(run: run, unit: unit.key, counts: UnitCounts(read: index, written: index))
                    }
                }
                for _ in 0..<2 {
                    group.addTask {
                        for _ in 0..<20 { _ = try await store.runs(kind: .backfill) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.pendingUnits(run: run).isEmpty)
            let summary = try #require(try await store.runs().first)
            let expected = (0..<200).reduce(0, +)
            #expect(summary.totals == UnitCounts(read: expected, written: expected))
            #expect(summary.doneUnits == 200)
            try await store.finishRun(run: run, status: .completed)
        }
    }

    // MARK: - kill -9

    /// Set in the child process of the kill test: the workspace folder it writes to until it is killed.
    static let killChildFolder = "TERN_STATE_STORE_KILL_CHILD_FOLDER"
    static let killUnits = 3000
    static let reportPrefix = "tern-kill-test:"

    /// A real `kill -9` of a process in the middle of committing: the test executable starts itself again with
    /// `--filter` on this test and the folder in the environment; that child records progress and completes units from
    /// eight tasks and reports each completion on stdout only after `completeUnit` returned. After 150 reports the parent
    /// kills it, then checks that every reported unit is done with its final counts, that the database is intact and
    /// opens, and that the run resumes with exactly the units not done.
    @Test func killedWriterLosesNoCompletedUnit() async throws {
        if let folder = ProcessInfo.processInfo.environment[Self.killChildFolder] {
            try await Self.writeUntilKilled(folder: folder)
            return
        }
        try await withFolder { folder in
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            // Keep only what locates the tests (macOS' helper takes the bundle path); output options must not be shared.
            var arguments = [String]()
            if let bundle = CommandLine.arguments.firstIndex(of: "--test-bundle-path"), bundle + 1 < CommandLine.arguments.count {
                arguments += CommandLine.arguments[bundle...(bundle + 1)]
            }
            child.arguments =
                arguments + ["--testing-library", "swift-testing", "--filter", "StateStoreTests/killedWriterLosesNoCompletedUnit"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.killChildFolder: folder]) { $1 }
            let output = Pipe()
            child.standardOutput = output
            child.standardError = FileHandle.nullDevice
            let chunks = AsyncStream<Data> { continuation in
                output.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    if data.isEmpty {
                        handle.readabilityHandler = nil
                        continuation.finish()
                    } else {
                        continuation.yield(data)
                    }
                }
            }
            try child.run()
            let pid = child.processIdentifier
            // Never wait forever on a child that does not start or does not report.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(180))
                kill(pid, SIGKILL)
            }
            defer { watchdog.cancel() }

            var reported = [String]()
            var remembered = false
            var runID: Int64?
            var buffer = Data()
            var killed = false
            for await chunk in chunks {
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...newline)
                    guard line.hasPrefix(Self.reportPrefix) else { continue }
                    let words = line.dropFirst(Self.reportPrefix.count).split(separator: " ").map(String.init)
                    switch words.first {
                    case "remembered": remembered = true
                    case "run": runID = words.count > 1 ? Int64(words[1]) : nil
                    case "done" where words.count > 1: reported.append(words[1])
                    default: break
                    }
                }
                if !killed && reported.count >= 150 {
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL, "the child was not killed mid-run")
            #expect(reported.count >= 150, "the child reported \(reported.count) completions before it ended")
            #expect(remembered)
            let run = try #require(runID)

            // The database opens after the kill, with WAL recovery, and is intact.
            let store = try StateStore(folder: folder)
            let integrity = try await store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            #expect(integrity == ["ok"])

            let summary = try #require(try await store.runs(kind: .backfill).first { $0.run.id == run })
            let done = Dictionary(uniqueKeysWithValues: summary.units.filter { $0.status == .done }.map { ($0.key, $0) })
            let lost = reported.filter { done[$0] == nil }
            #expect(lost.isEmpty, "completed before the kill but not recorded: \(lost)")
            // Done means the whole transaction of completeUnit landed: final counts, no checkpoint.
            for unit in done.values {
                let index = try #require(Int(unit.key.split(separator: "-").last ?? ""))
                #expect(unit.counts == Self.finalCounts(index) && unit.checkpoint == nil)
            }
            #expect(done.count <= Self.killUnits)

            let resumed = try await store.beginRun(kind: .backfill, key: "kill-test", description: "kill test", units: Self.killPlan)
            #expect(resumed.resumed && resumed.run.id == run)
            #expect(resumed.pendingUnits.count == Self.killUnits - done.count)
            let redone = resumed.pendingUnits.map(\.key).filter(Set(reported).contains)
            #expect(redone.isEmpty, "completed before the kill but handed out again: \(redone)")
            #expect(try await store.settingsToRestore(cluster: "http://127.0.0.1:9200").map(\.originalValue) == ["1s"])
        }
    }

    static var killPlan: [UnitSpec] { (0..<killUnits).map { UnitSpec(key: "logs/unit-\($0)") } }

    static func finalCounts(_ index: Int) -> UnitCounts {
        UnitCounts(read: index + 1, written: index, alreadyNewer: 1, failed: 0)
    }

    /// The child's side: writes as a backfill would until killed (or done, which the parent reports as a failure).
    static func writeUntilKilled(folder: String) async throws {
        // write(2) straight away: a buffered report could be lost with the process, or arrive twice.
        func report(_ line: String) {
            FileHandle.standardOutput.write(Data("\(reportPrefix)\(line)\n".utf8))
        }
        let store = try StateStore(folder: folder)
        try await store.rememberSetting(
            cluster: "http://127.0.0.1:9200", index: "logs", setting: "index.refresh_interval", originalValue: "1s")
        report("remembered")
        let plan = killPlan
        let run = try await store.beginRun(kind: .backfill, key: "kill-test", description: "kill test", units: plan).run.id
        report("run \(run)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: plan.count, by: 8) {
                        let key = plan[index].key
                        try await store.recordProgress(
                            run: run, unit: key, counts: UnitCounts(read: index), checkpoint: "[\(index)]")
                        try await store.completeUnit(run: run, unit: key, counts: finalCounts(index))
                        report("done \(key)")
                        // Paced, so that a parent slowed down by a busy machine still kills the child mid-run.
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        // Never exit on our own: the parent's kill is the end this test is about.
        try await Task.sleep(for: .seconds(120))
    }
}
